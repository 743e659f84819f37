// swift-tools-version:5.9
// The Swift face of sfa as a Swift package: the bindings uniffi generates
// (Sources/Sfa/Sfa.swift, module `Sfa`) and their `async` face that sfa-ffi-bindgen
// writes beside them (Sources/Sfa/AsyncCalls.swift), over the library as a binary
// target, the XCFramework SfaFFI.xcframework (device and simulator slices of
// libsfa_ffi.a, each with SfaFFI.h and the module map of the C module `SfaFFI` the
// bindings import).
// scripts/package-swift.sh lays the package out in target/swift-package (on a Mac it
// also builds the XCFramework); an app adds that folder (or a tagged copy of it) as a
// package dependency and imports `Sfa`.
import PackageDescription

let package = Package(
    name: "Sfa",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Sfa", targets: ["Sfa"]),
    ],
    targets: [
        .binaryTarget(name: "SfaFFI", path: "SfaFFI.xcframework"),
        .target(name: "Sfa", dependencies: ["SfaFFI"], path: "Sources/Sfa"),
    ]
)
