"""Builds the app with the plugin's files inside it.

The plugin (loader, manifest, settings panel, wasm) lives in the repository's `www/` folder and
`www/pkg/` (`cargo xtask build` writes the latter). Building this package copies them into
`gcontacts_sync_creme/plugin/`, which the app serves, so an installed app needs nothing from the
repository. Building outside the repository (from an sdist) uses the copy the sdist carries.

A release (`cargo xtask dist`) sets GCS_PLUGIN_BUILD to the plugin tree it staged: the same files,
and the manifest with each file's SRI hash, which the loader checks before using a file. The
wheel then carries exactly what the release's plugin archive does.
"""

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TARGET = HERE / "gcontacts_sync_creme" / "plugin"


def copy_release(stage):
    if not (stage / "plugin-manifest.json").exists():
        raise SystemExit(f"GCS_PLUGIN_BUILD={stage} holds no plugin-manifest.json")
    if TARGET.exists():
        shutil.rmtree(TARGET)
    # Served from www/'s own root: www/'s files at the top, the manifest beside the loader.
    shutil.copytree(stage / "www", TARGET, ignore=shutil.ignore_patterns("*.d.ts"))
    shutil.copy2(stage / "plugin-manifest.json", TARGET / "plugin-manifest.json")


def copy_plugin():
    release = os.environ.get("GCS_PLUGIN_BUILD")
    if release:
        return copy_release(Path(release))
    www = REPO / "www"
    if not (www / "plugin-loader.js").exists():
        return  # an sdist: the copy is already there
    if not (www / "pkg" / "gcontacts_sync_bg.wasm").exists():
        # Still installable (the endpoints work), but the plugin cannot load until it is built
        # or settings.GCONTACTS_SYNC_PLUGIN_DIR points at a checkout's built www/.
        print("warning: www/pkg/ is not built (cargo xtask build): the app carries no plugin")
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    for name in ("plugin-loader.js", "oauth-callback.html", "oauth-callback.js"):
        shutil.copy2(www / name, TARGET / name)
    shutil.copytree(www / "plugin", TARGET / "plugin", ignore=shutil.ignore_patterns("testing", "README.md"))
    if (www / "pkg").is_dir():
        shutil.copytree(www / "pkg", TARGET / "pkg", ignore=shutil.ignore_patterns("*.d.ts", "package.json", ".gitignore"))
    # The loader looks for the manifest beside itself when it is served from www/'s own root.
    shutil.copy2(REPO / "plugin-manifest.json", TARGET / "plugin-manifest.json")


class BuildPy(build_py):
    def run(self):
        copy_plugin()
        super().run()


setup(cmdclass={"build_py": BuildPy})
