"""The Accounts dialog (add, edit, rename, remove profiles) and what it hands the window."""
