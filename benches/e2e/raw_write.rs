// Raw write (benches/e2e/publish_vs_raw.sh): the same bytes to the same relative paths.
// The files under SRC are read into memory 256 MB at a time (not timed), then each batch
// is written under DST with fs::write (create_dir_all when its folder is missing), one
// thread; the wall and CPU time (user + system, /proc/thread-self/stat) of the writes
// alone are summed. Not a cargo target: built with rustc.
// Usage: raw_write SRC DST
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        if t.is_dir() { walk(root, &e.path(), out); }
        else if t.is_file() { out.push(e.path().strip_prefix(root).unwrap().to_path_buf()); }
    }
}
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (src, dst) = (Path::new(&a[1]), Path::new(&a[2]));
    let mut files = Vec::new();
    walk(src, src, &mut files);
    files.sort();
    let (mut bytes, mut wall, mut cpu) = (0usize, Duration::ZERO, 0.0);
    let mut at = 0;
    while at < files.len() {
        let mut batch: Vec<(&PathBuf, Vec<u8>)> = Vec::new();
        let mut size = 0;
        while at < files.len() && size < 256 << 20 {
            let b = std::fs::read(src.join(&files[at])).unwrap();
            size += b.len();
            batch.push((&files[at], b));
            at += 1;
        }
        bytes += size;
        let (t, c) = (Instant::now(), thread_cpu());
        for (rel, b) in &batch {
            let p = dst.join(rel);
            if std::fs::write(&p, b).is_err() {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, b).unwrap();
            }
        }
        wall += t.elapsed();
        cpu += thread_cpu() - c;
    }
    println!(
        "raw write: {} files, {} bytes, {:.3} s wall, {:.3} s CPU (writes alone)",
        files.len(),
        bytes,
        wall.as_secs_f64(),
        cpu
    );
}

/// This thread's user + system time, in seconds (clock ticks of 1/100 s).
fn thread_cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let f: Vec<&str> = s.rsplit(')').next().unwrap().split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}
