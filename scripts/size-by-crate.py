"""What takes the space in a built library: the size of its code (`.text`) by crate.

    CARGO_PROFILE_MOBILE_STRIP=false cargo build --profile mobile -p sfa-ffi --lib
    python3 scripts/size-by-crate.py target/mobile/libsfa_ffi.so [TOP]

Reads the symbol table (`nm -S`, so the build must keep its symbols: the profile
`mobile` strips them, hence the variable above) and charges each function to a crate:
the crate of its path (`tantivy::...`), of the implementing type for a trait method
(`<tantivy::X as core::fmt::Debug>::fmt` is tantivy's), of the dropped type for
`drop_in_place<T>`; C functions go by prefix (`sqlite3` is SQLite). Generic code is
charged to where it was instantiated only when its path says so, so the standard
library's share includes generic code made for other crates. Prints the crates by
size, then the TOP largest functions. Sizes are of the unstripped build's symbols;
stripping removes the symbol table, not code.
"""

import collections
import re
import subprocess
import sys

OWN = {"sfa_core", "sfa_ffi"}

C_PREFIXES = [
    ("sqlite3", "sqlite (C)"),
    ("sqlcipher", "sqlcipher (C)"),
    ("OPENSSL_", "openssl (C)"),
    ("EVP_", "openssl (C)"),
    ("ossl_", "openssl (C)"),
    ("ZSTD_", "zstd (C)"),
    ("LZ4", "lz4 (C)"),
]


def crate_of(name: str) -> str:
    for prefix in ("core::ptr::drop_in_place<", "<"):
        if name.startswith(prefix):
            return crate_of(re.sub(r"^(?:&|\*|mut |const |dyn |\(|\[)+", "", name[len(prefix):]))
    if "::" in name:
        head, rest = name.split("::", 1)
        head = re.sub(r"[<\[].*", "", head) or "?"
        if head in OWN:
            # Our own crates by module: where in them the code is.
            module = re.sub(r"[<\[:{].*", "", rest)
            return f"{head}::{module}"
        return head
    if name.startswith("uniffi_"):
        # The exported scaffolding of the uniffi face, the async twins apart.
        return "uniffi scaffolding (async)" if "async" in name else "uniffi scaffolding"
    for prefix, crate in C_PREFIXES:
        if name.startswith(prefix):
            return crate
    return "other C / runtime"


def main() -> None:
    library = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    nm = subprocess.run(
        ["nm", "-S", "--size-sort", "-C", "--defined-only", library],
        check=True, capture_output=True, text=True,
    ).stdout
    by_crate: collections.Counter[str] = collections.Counter()
    largest = []
    for line in nm.splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4 or parts[2] not in "tTwW":
            continue
        size = int(parts[1], 16)
        name = re.sub(r"::h[0-9a-f]{16}$", "", parts[3])
        by_crate[crate_of(name)] += size
        largest.append((size, name))
    total = sum(by_crate.values())
    print(f"code in functions: {total:,} bytes")
    for crate, size in by_crate.most_common():
        if size * 1000 < total:
            break
        print(f"{size:>12,}  {100 * size / total:5.1f}%  {crate}")
    print(f"\nthe {top} largest functions:")
    for size, name in sorted(largest, reverse=True)[:top]:
        print(f"{size:>10,}  {name[:150]}")


if __name__ == "__main__":
    main()
