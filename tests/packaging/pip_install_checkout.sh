#!/usr/bin/env bash
# A Python user's install from a checkout, offline: `pip install
# bindings/python` into a fresh venv with no package index (pip's build
# isolation must have nothing to fetch), then again from the source
# distribution the build backend makes (it must carry all it needs). Each
# installed package imports, opens a workspace with the libcrm named by
# CRM_LIBRARY, and says the version crm.h says.
#
#   tests/packaging/pip_install_checkout.sh SOURCE_DIR LIBCRM
set -euo pipefail
source_dir="$1"
export CRM_LIBRARY="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
version="$(sed -n 's/^#define CRM_VERSION_STRING "\(.*\)"$/\1/p' \
  "$source_dir/include/crm/crm.h")"

use_installed() { # venv
  (cd "$work" && "$1/bin/python" - "$version" <<'EOF'
import sys, tempfile, os
import crm
assert crm.version() == sys.argv[1], (crm.version(), sys.argv[1])
assert crm.__file__.startswith(sys.prefix), crm.__file__
with crm.open(os.path.join(tempfile.mkdtemp(), "pip.crm")) as db:
    customer = db.create_customer(name="Jane Doe")
    assert db.get_customer(customer).name == "Jane Doe"
EOF
  )
}

python3 -m venv "$work/from-checkout"
"$work/from-checkout/bin/pip" install --quiet --no-index "$source_dir/bindings/python"
use_installed "$work/from-checkout"
# The pure wheel carries no library of its own.
if find "$work/from-checkout" -path '*crm/_lib*' | grep -q .; then
  echo "a wheel built without library= carries crm/_lib" >&2
  exit 1
fi

# The source distribution, made by the backend, installs on its own.
mkdir "$work/sdist"
(cd "$source_dir/bindings/python" && PYTHONDONTWRITEBYTECODE=1 python3 -c '
import sys
sys.path.insert(0, "_build")
import backend
print(backend.build_sdist(sys.argv[1]))' "$work/sdist") >"$work/sdist-name"
python3 -m venv "$work/from-sdist"
"$work/from-sdist/bin/pip" install --quiet --no-index \
  "$work/sdist/$(cat "$work/sdist-name")"
use_installed "$work/from-sdist"
echo "pip install bindings/python and its sdist work offline (crm $version)"
