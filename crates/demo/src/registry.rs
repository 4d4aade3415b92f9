//! The demo registry: the Jiangxi human-resources and social-security org
//! tree and a few hundred accounts on every platform (some breaking the
//! naming and duplicate rules on purpose).

use chrono::NaiveDate;
use govmedia_domain::OrgId;
use govmedia_domain::account::{AccountInput, AccountStatus};
use govmedia_domain::org::{OrgInput, OrgKind, OrgLevel};
use govmedia_domain::platform::Platform;
use govmedia_store::accounts::insert_account;
use govmedia_store::audit::append;
use govmedia_store::orgs::{Actor, insert_org};
use govmedia_store::{Store, StoreResult};

/// Cities with their county-level districts, in the official order.
pub const CITIES: &[(&str, &[&str])] = &[
    (
        "南昌",
        &[
            "东湖区",
            "西湖区",
            "青云谱区",
            "青山湖区",
            "新建区",
            "红谷滩区",
            "南昌县",
            "安义县",
            "进贤县",
        ],
    ),
    (
        "九江",
        &[
            "浔阳区",
            "濂溪区",
            "柴桑区",
            "瑞昌市",
            "共青城市",
            "庐山市",
            "武宁县",
            "修水县",
            "永修县",
            "德安县",
            "都昌县",
            "湖口县",
            "彭泽县",
        ],
    ),
    ("景德镇", &["昌江区", "珠山区", "乐平市", "浮梁县"]),
    ("萍乡", &["安源区", "湘东区", "莲花县", "上栗县", "芦溪县"]),
    ("新余", &["渝水区", "分宜县"]),
    ("鹰潭", &["月湖区", "余江区", "贵溪市"]),
    (
        "赣州",
        &[
            "章贡区",
            "南康区",
            "赣县区",
            "瑞金市",
            "龙南市",
            "信丰县",
            "大余县",
            "上犹县",
            "崇义县",
            "安远县",
            "定南县",
            "全南县",
            "宁都县",
            "于都县",
            "兴国县",
            "会昌县",
            "寻乌县",
            "石城县",
        ],
    ),
    (
        "宜春",
        &[
            "袁州区",
            "丰城市",
            "樟树市",
            "高安市",
            "奉新县",
            "万载县",
            "上高县",
            "宜丰县",
            "靖安县",
            "铜鼓县",
        ],
    ),
    (
        "上饶",
        &[
            "信州区",
            "广丰区",
            "广信区",
            "德兴市",
            "玉山县",
            "铅山县",
            "横峰县",
            "弋阳县",
            "余干县",
            "鄱阳县",
            "万年县",
            "婺源县",
        ],
    ),
    (
        "吉安",
        &[
            "吉州区",
            "青原区",
            "井冈山市",
            "吉安县",
            "吉水县",
            "峡江县",
            "新干县",
            "永丰县",
            "泰和县",
            "遂川县",
            "万安县",
            "安福县",
            "永新县",
        ],
    ),
    (
        "抚州",
        &[
            "临川区",
            "东乡区",
            "南城县",
            "黎川县",
            "南丰县",
            "崇仁县",
            "乐安县",
            "宜黄县",
            "金溪县",
            "资溪县",
            "广昌县",
        ],
    ),
];

const PROVINCE_DIVISIONS: &[&str] = &[
    "办公室",
    "政策法规处",
    "就业促进和失业保险处",
    "人才开发和市场处",
    "职业能力建设处",
    "养老保险处",
    "工伤保险处",
    "劳动关系处",
];

const PROVINCE_INSTITUTIONS: &[&str] = &[
    "江西省就业创业服务中心",
    "江西省社会保险服务中心",
    "江西省人事考试中心",
    "江西省劳动保障监察局",
];

pub const PUBLICITY_CENTER: &str = "江西省人力资源和社会保障宣传中心";
pub const PROVINCE_BUREAU: &str = "江西省人力资源和社会保障厅";

/// A small deterministic generator, so the demo is the same every time.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn org(
    name: &str,
    kind: OrgKind,
    level: OrgLevel,
    region: &str,
    parent: Option<OrgId>,
    supervising: bool,
) -> OrgInput {
    OrgInput {
        name: name.into(),
        kind,
        level,
        region: region.into(),
        parent_id: parent,
        is_supervising: supervising,
    }
}

struct AccountSpec<'a> {
    platform: Platform,
    name: &'a str,
    host: OrgId,
    host_name: &'a str,
}

fn account(rng: &mut Lcg, s: AccountSpec<'_>) -> AccountInput {
    let year = 2014 + rng.below(11) as i32;
    let month = 1 + rng.below(12) as u32;
    let day = 1 + rng.below(28) as u32;
    let people = [
        "王磊", "李娜", "张伟", "刘洋", "陈静", "杨帆", "黄敏", "周杰", "吴婷", "徐涛",
    ];
    let handle = format!("{}_{}", s.platform.code(), rng.below(1_000_000));
    AccountInput {
        platform: s.platform,
        name: s.name.into(),
        home_url: if s.platform.is_self_built() {
            String::new()
        } else {
            format!(
                "https://{}.example.cn/{}",
                s.platform.code().replace('_', "-"),
                handle
            )
        },
        handle,
        host_org_id: s.host,
        responsible_person: people[rng.below(people.len() as u64) as usize].into(),
        operators: people[rng.below(people.len() as u64) as usize].into(),
        vendor_operated: false,
        vendor_name: String::new(),
        certification_subject: if s.platform.is_self_built() {
            String::new()
        } else {
            s.host_name.into()
        },
        purpose: "政策发布、办事指引、政民互动".into(),
        opened_on: NaiveDate::from_ymd_opt(year, month, day),
        status: AccountStatus::Active,
        personal_official: false,
        owner_name: String::new(),
    }
}

/// Writes the org tree and its accounts in one transaction. Returns how
/// many orgs and accounts it created.
pub(crate) async fn seed_registry(store: &Store) -> StoreResult<(usize, usize)> {
    let actor = Actor::system();
    let mut rng = Lcg(20201124);
    let mut tx = store.begin_write().await?;
    let mut orgs = 0usize;
    let mut accounts = Vec::new();

    let province = insert_org(
        &mut tx,
        &org(
            PROVINCE_BUREAU,
            OrgKind::Organ,
            OrgLevel::Province,
            "江西省",
            None,
            true,
        ),
        false,
    )
    .await?;
    orgs += 1;
    for d in PROVINCE_DIVISIONS {
        insert_org(
            &mut tx,
            &org(
                d,
                OrgKind::Division,
                OrgLevel::Province,
                "江西省",
                Some(province),
                false,
            ),
            false,
        )
        .await?;
        orgs += 1;
    }
    let center = insert_org(
        &mut tx,
        &org(
            PUBLICITY_CENTER,
            OrgKind::Institution,
            OrgLevel::Province,
            "江西省",
            Some(province),
            false,
        ),
        true,
    )
    .await?;
    orgs += 1;
    let mut province_units = vec![];
    for i in PROVINCE_INSTITUTIONS {
        let id = insert_org(
            &mut tx,
            &org(
                i,
                OrgKind::Institution,
                OrgLevel::Province,
                "江西省",
                Some(province),
                false,
            ),
            false,
        )
        .await?;
        province_units.push((id, *i));
        orgs += 1;
    }
    // Province accounts on every platform kind.
    for (p, n) in [
        (Platform::Weibo, "江西人社"),
        (Platform::WechatOa, "江西人社"),
        (Platform::WechatChannels, "江西人社"),
        (Platform::Toutiao, "江西人社"),
        (Platform::Douyin, "江西人社"),
        (Platform::Kuaishou, "江西人社"),
        (Platform::Bilibili, "江西人社"),
        (Platform::Xiaohongshu, "江西人社"),
        (Platform::App, "江西人社APP"),
        (Platform::MiniProgram, "江西人社"),
        (Platform::Other, "江西人社网易号"),
    ] {
        accounts.push(account(
            &mut rng,
            AccountSpec {
                platform: p,
                name: n,
                host: province,
                host_name: PROVINCE_BUREAU,
            },
        ));
    }
    accounts.push(account(
        &mut rng,
        AccountSpec {
            platform: Platform::WechatOa,
            name: "江西人社宣传",
            host: center,
            host_name: PUBLICITY_CENTER,
        },
    ));
    for (id, name) in &province_units {
        let short = name.trim_start_matches("江西省");
        accounts.push(account(
            &mut rng,
            AccountSpec {
                platform: Platform::WechatOa,
                name: &format!("江西{short}"),
                host: *id,
                host_name: name,
            },
        ));
    }

    for (ci, (city, counties)) in CITIES.iter().enumerate() {
        let bureau_name = format!("{city}市人力资源和社会保障局");
        let region = format!("{city}市");
        let bureau = insert_org(
            &mut tx,
            &org(
                &bureau_name,
                OrgKind::Organ,
                OrgLevel::City,
                &region,
                Some(province),
                true,
            ),
            false,
        )
        .await?;
        insert_org(
            &mut tx,
            &org(
                &format!("{city}市人社局办公室"),
                OrgKind::Division,
                OrgLevel::City,
                &region,
                Some(bureau),
                false,
            ),
            false,
        )
        .await?;
        let centre_name = format!("{city}市就业创业服务中心");
        let centre = insert_org(
            &mut tx,
            &org(
                &centre_name,
                OrgKind::Institution,
                OrgLevel::City,
                &region,
                Some(bureau),
                false,
            ),
            false,
        )
        .await?;
        orgs += 3;
        let short = format!("{city}人社");
        for p in [
            Platform::Weibo,
            Platform::WechatOa,
            Platform::Douyin,
            Platform::Toutiao,
            Platform::WechatChannels,
        ] {
            let mut a = account(
                &mut rng,
                AccountSpec {
                    platform: p,
                    name: &short,
                    host: bureau,
                    host_name: &bureau_name,
                },
            );
            // 九江 calls its Douyin account differently (rule: one name everywhere).
            if ci == 1 && p == Platform::Douyin {
                a.name = "九江就业服务".into();
            }
            // 赣州's Toutiao account is certified under its vendor.
            if ci == 6 && p == Platform::Toutiao {
                a.certification_subject = "赣州某文化传媒有限公司".into();
                a.vendor_operated = true;
                a.vendor_name = "赣州某文化传媒有限公司".into();
            }
            accounts.push(a);
        }
        accounts.push(account(
            &mut rng,
            AccountSpec {
                platform: Platform::WechatOa,
                name: &format!("{city}就业"),
                host: centre,
                host_name: &centre_name,
            },
        ));
        if ci % 3 == 0 {
            accounts.push(account(
                &mut rng,
                AccountSpec {
                    platform: Platform::MiniProgram,
                    name: &format!("{city}社保服务"),
                    host: bureau,
                    host_name: &bureau_name,
                },
            ));
        }
        // An official-capacity personal account (article 5).
        if ci == 0 {
            let mut a = account(
                &mut rng,
                AccountSpec {
                    platform: Platform::Weibo,
                    name: "南昌人社局长谈就业",
                    host: bureau,
                    host_name: &bureau_name,
                },
            );
            a.personal_official = true;
            a.owner_name = "张建国".into();
            a.certification_subject = "张建国".into();
            accounts.push(a);
        }
        for (ki, county) in counties.iter().enumerate() {
            let cname = format!("{county}人力资源和社会保障局");
            let cid = insert_org(
                &mut tx,
                &org(
                    &cname,
                    OrgKind::Organ,
                    OrgLevel::County,
                    county,
                    Some(bureau),
                    true,
                ),
                false,
            )
            .await?;
            orgs += 1;
            let stem = govmedia_domain::org::region_stem(county).to_string();
            let cshort = format!("{stem}人社");
            accounts.push(account(
                &mut rng,
                AccountSpec {
                    platform: Platform::WechatOa,
                    name: &cshort,
                    host: cid,
                    host_name: &cname,
                },
            ));
            match rng.below(4) {
                0 => accounts.push(account(
                    &mut rng,
                    AccountSpec {
                        platform: Platform::Douyin,
                        name: &cshort,
                        host: cid,
                        host_name: &cname,
                    },
                )),
                1 => accounts.push(account(
                    &mut rng,
                    AccountSpec {
                        platform: Platform::Weibo,
                        name: &cshort,
                        host: cid,
                        host_name: &cname,
                    },
                )),
                2 => {
                    accounts.push(account(
                        &mut rng,
                        AccountSpec {
                            platform: Platform::Kuaishou,
                            name: &cshort,
                            host: cid,
                            host_name: &cname,
                        },
                    ));
                    accounts.push(account(
                        &mut rng,
                        AccountSpec {
                            platform: Platform::Xiaohongshu,
                            name: &cshort,
                            host: cid,
                            host_name: &cname,
                        },
                    ));
                }
                _ => {}
            }
            // A few rule breakers per city: a second WeChat account
            // (consolidation candidate), a name unrelated to the host.
            if ki == 1 {
                accounts.push(account(
                    &mut rng,
                    AccountSpec {
                        platform: Platform::WechatOa,
                        name: &format!("{stem}人社服务号"),
                        host: cid,
                        host_name: &cname,
                    },
                ));
            }
            if ki == 2 {
                accounts.push(account(
                    &mut rng,
                    AccountSpec {
                        platform: Platform::Douyin,
                        name: "美食生活圈",
                        host: cid,
                        host_name: &cname,
                    },
                ));
            }
            if ki == 3 {
                let mut a = account(
                    &mut rng,
                    AccountSpec {
                        platform: Platform::Bilibili,
                        name: &cshort,
                        host: cid,
                        host_name: &cname,
                    },
                );
                a.status = AccountStatus::Suspended;
                accounts.push(a);
            }
            if ki == 4 {
                let mut a = account(
                    &mut rng,
                    AccountSpec {
                        platform: Platform::Toutiao,
                        name: &format!("{stem}就业"),
                        host: cid,
                        host_name: &cname,
                    },
                );
                a.status = AccountStatus::Closed;
                accounts.push(a);
            }
        }
    }
    let n_accounts = accounts.len();
    for a in &accounts {
        insert_account(&mut tx, &actor, a, "import").await?;
    }
    let mut a = actor.audit("demo.seed", "", "");
    a.detail = serde_json::json!({"orgs": orgs, "accounts": n_accounts}).to_string();
    append(&mut tx, a).await?;
    tx.commit().await?;
    Ok((orgs, n_accounts))
}
