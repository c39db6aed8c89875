"""Publishing packaged charts: an OCI registry, a classic chart repository on a git branch (GitHub
Pages serves ``gh-pages``), and the release tags.

Order, so that a failure leaves nothing half-released: the archives are all packaged and inspected
first (chartsuite.release.package), then pushed to the registry, then the repository branch gets them
and its merged ``index.yaml`` in one commit, and the tags ``<chart>-<version>`` are pushed last. A
chart is unreleased while the remote has no tag for its version, so a run that failed part-way is
simply run again. No branch or tag of the local checkout changes: tags are pushed as
``<commit>:refs/tags/<tag>``, the repository branch's commit is fetched (objects and FETCH_HEAD only)
and pushed by its id.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from chartsuite import helm
from chartsuite.errors import UsageError
from chartsuite.model import paths


def git(*args: str, cwd: Path | str = paths.REPO_ROOT) -> str:
    """Run git; return its stdout.  Raises: UsageError with git's message when it fails."""
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise UsageError(f"git {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout


def remote_tags(remote: str, root: Path = paths.REPO_ROOT) -> set[str]:
    """Tag names on a remote (``git ls-remote --tags``).

    Args: remote: a remote name or URL/path; root: the checkout.  Returns: set of str.
    Raises: UsageError when the remote cannot be read."""
    out = git("ls-remote", "--tags", remote, cwd=root)
    return {line.split("refs/tags/", 1)[1].removesuffix("^{}") for line in out.splitlines() if "refs/tags/" in line}


def dirty(root: Path = paths.REPO_ROOT) -> list[str]:
    """Uncommitted changes under charts/ and LICENSE (what a release packages).

    Returns: ``git status --porcelain`` lines (empty when the tag would name exactly what is packaged)."""
    return git("status", "--porcelain", "--", "charts", "LICENSE", cwd=root).splitlines()


def publish_pages(archives: list[Path], remote: str, branch: str, url: str, root: Path = paths.REPO_ROOT,
                  say=lambda _msg: None) -> str:
    """Add archives to the chart repository branch and merge them into its index.yaml, in one commit.

    The branch is cloned into a temporary directory and committed there; the commit is fetched into the
    checkout and pushed from it (the checkout holds the credentials: actions/checkout keeps its token
    in the checkout's own git configuration, not in a clone). Only the new archives are indexed, merged
    into the branch's index.yaml, so the earlier entries keep their digests and creation times.
    Args: archives: .tgz files; remote: remote name, URL or path (a path is taken from the checkout);
        branch: e.g. "gh-pages" (created as an orphan branch on the first release); url: the URL the
        branch is served from (index entries point there); root: the checkout; say: progress callable(str).
    Returns: the new commit of the branch (hex str).
    Raises: UsageError for a git failure; helm.RenderError when ``helm repo index`` fails."""
    with tempfile.TemporaryDirectory(prefix="chart-pages-") as tmp:
        pages, new = Path(tmp) / "pages", Path(tmp) / "new"
        target = remote_url(remote, root)
        if git("ls-remote", "--heads", target, branch, cwd=root).strip():
            git("clone", "--quiet", "--branch", branch, "--single-branch", "--depth", "1", target, str(pages), cwd=root)
        else:
            say(f"{branch}: not on {remote} yet, starting it")
            pages.mkdir()
            git("init", "--quiet", "--initial-branch", branch, cwd=pages)
        new.mkdir()
        for archive in archives:
            shutil.copy2(archive, new / Path(archive).name)
        cmd = [helm.helm_binary(4), "repo", "index", str(new), "--url", url]
        if (pages / "index.yaml").is_file():
            cmd += ["--merge", str(pages / "index.yaml")]
        helm.run(cmd)
        for item in new.iterdir():
            shutil.move(str(item), str(pages / item.name))
        git("add", "--all", cwd=pages)
        names = ", ".join(Path(a).name for a in archives)
        git("-c", "user.name=chart release", "-c", "user.email=chart-release@users.noreply.github.com",
            "commit", "--quiet", "-m", f"Release {names}", cwd=pages)
        commit = git("rev-parse", "HEAD", cwd=pages).strip()
        git("fetch", "--quiet", "--no-tags", str(pages), "HEAD", cwd=root)
        git("push", "--quiet", remote, f"{commit}:refs/heads/{branch}", cwd=root)
        return commit


def push_tags(tags: list[str], remote: str, root: Path = paths.REPO_ROOT) -> str:
    """Push ``<HEAD commit>:refs/tags/<tag>`` for each tag (one push, atomic where the server allows).

    Args: tags: tag names; remote: remote name or URL; root: the checkout.
    Returns: the tagged commit (hex str).  Raises: UsageError when the push fails (e.g. a tag exists)."""
    commit = git("rev-parse", "HEAD", cwd=root).strip()
    git("push", "--quiet", "--atomic", remote, *[f"{commit}:refs/tags/{t}" for t in tags], cwd=root)
    return commit


def remote_url(remote: str, root: Path = paths.REPO_ROOT) -> str:
    """The URL of a configured remote, or ``remote`` itself when it is already a URL or path.

    Args: remote: name, URL or path; root: the checkout.  Returns: str.  Raises: UsageError from git."""
    if remote in git("remote", cwd=root).split():
        return git("remote", "get-url", remote, cwd=root).strip()
    return remote
