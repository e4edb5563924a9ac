//! Which place did a person mean? `subscribers add -l`, the config's subscribers (`check`,
//! `digest send`) take a province's or city's short name as that province or city, and
//! a name several places share is an error listing them with their codes and chains.

mod common;

use common::{Sandbox, stderr, stdout};

#[test]
fn subscribers_add_takes_a_province_or_city_short_name() {
    let s = Sandbox::examples();
    let o = s.run(&[
        "subscribers",
        "add",
        "a@example.net",
        "-l",
        "河南",
        "-l",
        "黄山",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "added a@example.net (河南 = 41 河南省, 黄山 = 3410 安徽省 黄山市; daily 07:30)\n"
    );
    let o = s.run(&["subscribers", "add", "b@example.net", "-l", "320106"]);
    assert_eq!(
        stdout(&o),
        "added b@example.net (320106 鼓楼区; daily 07:30)\n"
    );
}

#[test]
fn a_name_several_places_share_lists_them_and_stores_nothing() {
    let s = Sandbox::examples();
    let o = s.run(&["subscribers", "add", "a@example.net", "-l", "鼓楼区"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "localfeed: subscriber a@example.net: 鼓楼区: 4 places — 320106 江苏省 南京市 鼓楼区, \
         320302 江苏省 徐州市 鼓楼区, 350102 福建省 福州市 鼓楼区, 410204 河南省 开封市 鼓楼区; \
         use a code\n"
    );
    let list = stdout(&s.run(&["subscribers", "list"]));
    assert!(!list.contains("a@example.net"), "{list}");
    let o = s.run(&["subscribers", "add", "a@example.net", "-l", "火星"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("unknown locality \"火星\" (`localfeed places 火星` lists names and codes)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_config_check_and_digest_commands_read_names_the_same_way() {
    let s = Sandbox::examples();
    let cfg = s.read("config.toml");
    s.write(
        "config.toml",
        cfg.replace(
            "localities = [\"安吉县\", \"510703\"]",
            "localities = [\"黄山\", \"510703\"]",
        ),
    );
    let o = s.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    s.write(
        "config.toml",
        cfg.replace(
            "localities = [\"安吉县\", \"510703\"]",
            "localities = [\"朝阳区\", \"510703\"]",
        ),
    );
    let o = s.run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    let want = "朝阳区: 2 places — 110105 北京市 朝阳区, 220104 吉林省 长春市 朝阳区; use a code";
    assert!(
        stderr(&o).contains(&format!("subscriber reader@example.net: {want}")),
        "{}",
        stderr(&o)
    );
    let o = s.run(&["digest", "send", "--dry-run"]);
    assert!(
        stdout(&o).contains(&format!("rejected: subscriber reader@example.net: {want}")),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}
