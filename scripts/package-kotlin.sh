#!/usr/bin/env bash
# Packages the Kotlin face of sfa as the Maven artifact jp.sfa:sfa:0.1.0 and installs it
# into the local Maven repository (~/.m2): a jar of the Kotlin bindings generated from
# the release library (the `mobile` profile: size-optimised, stripped), the Flow
# adapter, the R8 / ProGuard rules for JNA (META-INF/proguard/sfa.pro, which R8 applies
# by itself) and this machine's build of the library inside, under JNA's platform
# folder (linux-x86-64/libsfa_ffi.so), so a JVM app needs nothing but the dependency.
# Its pom brings JNA and kotlinx-coroutines.
#
# For Android, the same generated Kotlin ships with one library per ABI in jniLibs
# (built with cargo-ndk) and JNA's Android build (`net.java.dev.jna:jna:5.19.1@aar`);
# see README "Mobile packaging".
#
# Then it checks the artifact the way an app uses it: sfa-ffi/kotlin/consumer, a
# project that knows only the coordinates, is compiled and tested against it.
#
#   bash scripts/package-kotlin.sh            # package, install, check
#   SFA_PROFILE=release bash scripts/package-kotlin.sh
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${SFA_PROFILE:-mobile}
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86-64; lib=libsfa_ffi.so ;;
  Linux-aarch64) platform=linux-aarch64; lib=libsfa_ffi.so ;;
  Darwin-arm64) platform=darwin-aarch64; lib=libsfa_ffi.dylib ;;
  Darwin-x86_64) platform=darwin-x86-64; lib=libsfa_ffi.dylib ;;
  *) echo "package-kotlin: no JNA platform folder known for $(uname -s)-$(uname -m)"; exit 1 ;;
esac

echo "== building libsfa_ffi ($profile profile)"
cargo build --quiet --profile "$profile" -p sfa-ffi --lib
# The bindings are generated from an unstripped build with the same features (the
# stripped library has no symbols for the bindgen to find its metadata by).
cargo build --quiet -p sfa-ffi --lib
cargo build --quiet -p sfa-ffi-bindgen

out="$PWD/target/kotlin-package"
rm -rf "$out"
mkdir -p "$out/natives/$platform"
cp "target/$profile/$lib" "$out/natives/$platform/$lib"
target/debug/uniffi-bindgen generate --library "target/debug/$lib" \
  --language kotlin --out-dir "$out/generated" --no-format

echo "== jp.sfa:sfa:0.1.0 into the local Maven repository"
(cd sfa-ffi/kotlin && mvn -q -B install -Dmaven.test.skip=true \
  -Dsfa.generated.dir="$out/generated" -Dsfa.natives.dir="$out/natives" -Dsfa.build.dir="$out/build")
jar="$out/build/sfa-0.1.0.jar"
for entry in "META-INF/proguard/sfa.pro" "$platform/$lib" "jp/sfa/Sfa.class" "jp/sfa/ChangesKt.class" "jp/sfa/AsyncCallsKt.class"; do
  jar tf "$jar" | grep -qx "$entry" || { echo "the artifact lacks $entry"; exit 1; }
done
echo "packaged: $jar ($(stat -c %s "$jar") bytes)"

echo "== an app that knows only the coordinates compiles and runs against it"
(cd sfa-ffi/kotlin/consumer && mvn -q -B test -Dsfa.build.dir="$out/consumer")
