"""The store: engine and sessions, tables, leases, clip intake, papers, migrations."""
