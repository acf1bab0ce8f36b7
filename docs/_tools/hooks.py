"""MkDocs hooks: pages that live outside ``docs/`` join the site.

The notebooks (``notebooks/*.ipynb``, rendered by mkdocs-jupyter without executing
them), the proofs (``proofs/*.md``), the benchmark tables (``results/*.md``) and the
changelog stay where the repository keeps them; this hook adds them to the site's files
under the same relative paths, so the site cannot drift from them.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

#: (folder relative to the repository root, glob) of the pages added to the site.
OUTSIDE = (("notebooks", "*.ipynb"), ("proofs", "*.md"), ("results", "*.md"),
           (".", "CHANGELOG.md"))


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = Path(config.config_file_path).resolve().parent
    for folder, pattern in OUTSIDE:
        for path in sorted((root / folder).glob(pattern)):
            uri = path.relative_to(root).as_posix()
            # a real src_dir (the repository root), so that mkdocs-jupyter's wrapper of
            # the file still finds its source
            files.append(File(uri, src_dir=str(root), dest_dir=config.site_dir,
                              use_directory_urls=config.use_directory_urls))
    return files
