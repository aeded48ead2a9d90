"""Background work: the queue, the worker, the sweep and the resolve, deliver and refresh jobs."""
