"""What PaperDrop does, for the API, the dashboard and the CLI alike: save, library, review, requeue, targets."""
