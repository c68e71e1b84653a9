//! Git access: the CLI for anything that changes a repository, git2 for reads.
