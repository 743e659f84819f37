#!/usr/bin/env bash
# Lays out the Swift package of sfa in target/swift-package (see
# sfa-ffi/swift/Package.swift): Package.swift, the generated bindings in Sources/Sfa,
# and the C module's header and module map in include/. On a Mac (xcodebuild and the
# iOS targets of rustup present) it then builds libsfa_ffi.a for iOS devices and the
# simulator (the `mobile` profile) and joins them into SfaFFI.xcframework beside
# Package.swift; elsewhere it says that step is left to a Mac.
#
# It checks what can be checked without a Swift toolchain: the binary target's name is
# the module the bindings import, and the module map names the header that is there.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/swift-package
module=SfaFFI

# The bindings come from an unstripped build of the shipped features (no test hooks).
cargo build --quiet -p sfa-ffi --lib
cargo build --quiet -p sfa-ffi-bindgen
rm -rf "$out"
mkdir -p "$out/Sources/Sfa" "$out/include" "$out/generated"
target/debug/uniffi-bindgen generate --library target/debug/libsfa_ffi.so \
  --language swift --out-dir "$out/generated" --no-format
cp sfa-ffi/swift/Package.swift "$out/Package.swift"
mv "$out/generated/Sfa.swift" "$out/Sources/Sfa/Sfa.swift"
# The `async` face (AsyncSession, AsyncSfa), written by sfa-ffi-bindgen beside them.
mv "$out/generated/AsyncCalls.swift" "$out/Sources/Sfa/AsyncCalls.swift"
mv "$out/generated/$module.h" "$out/include/$module.h"
# An XCFramework's headers folder carries its module map as module.modulemap.
mv "$out/generated/$module.modulemap" "$out/include/module.modulemap"
rmdir "$out/generated"

grep -q "binaryTarget(name: \"$module\"" "$out/Package.swift"
grep -q "import $module" "$out/Sources/Sfa/Sfa.swift"
grep -q "public final class AsyncSession" "$out/Sources/Sfa/AsyncCalls.swift"
grep -q "module $module" "$out/include/module.modulemap"
grep -q "header \"$module.h\"" "$out/include/module.modulemap"
echo "Swift package laid out in $out"

if command -v xcodebuild >/dev/null; then
  for triple in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
    cargo build --quiet --profile mobile -p sfa-ffi --lib --target "$triple"
  done
  mkdir -p target/ios-simulator
  lipo -create target/aarch64-apple-ios-sim/mobile/libsfa_ffi.a \
    target/x86_64-apple-ios/mobile/libsfa_ffi.a -output target/ios-simulator/libsfa_ffi.a
  xcodebuild -create-xcframework \
    -library target/aarch64-apple-ios/mobile/libsfa_ffi.a -headers "$out/include" \
    -library target/ios-simulator/libsfa_ffi.a -headers "$out/include" \
    -output "$out/$module.xcframework"
  echo "$out/$module.xcframework built"
else
  echo "xcodebuild is not here: $module.xcframework is left to a Mac (run this script there)"
fi
