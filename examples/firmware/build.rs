//! Puts memory.x and device.x where the linker finds them (cortex-m-rt's link.x includes both;
//! device.x is empty: the firmware names its interrupt handlers itself).
fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let _ = std::fs::copy("memory.x", out.join("memory.x"));
    let _ = std::fs::write(out.join("device.x"), "");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
}
