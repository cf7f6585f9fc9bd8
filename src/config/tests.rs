use super::*;

const HEAD: &str = r#"[deployment]
name = "t"
subscription_id = "00000000-0000-0000-0000-000000000000"
primary_region = "eastus"
secondary_region = "West US"
rto_minutes = 60
rpo_minutes = 15
"#;

const SA: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st";
const WS1: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/a";
const WS2: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/b";

fn storage(name: &str) -> String {
    format!(
        "\n[[components]]\nname = \"{name}\"\nkind = \"storage\"\nmode = \"hot-cold\"\nresource = \"{SA}\"\n"
    )
}

fn errors(text: &str) -> Vec<ConfigIssue> {
    Config::parse(text, "cfg.toml").unwrap_err().issues
}

fn one_error(text: &str) -> ConfigIssue {
    let issues = errors(text);
    assert_eq!(issues.len(), 1, "{issues:#?}");
    issues.into_iter().next().unwrap()
}

#[test]
fn demo_and_example_are_valid_and_cover_every_kind() {
    let demo = Config::demo();
    let example = Config::parse(
        include_str!("../../config.example.toml"),
        "config.example.toml",
    )
    .unwrap();
    for kind in ComponentKind::ALL {
        assert!(
            demo.components
                .iter()
                .chain(&example.components)
                .any(|c| c.kind == *kind),
            "{kind} appears in neither file"
        );
    }
    assert_eq!(demo.deployment.secondary_region.as_str(), "westus");
    assert_eq!(demo.custom_steps.len(), 2);
    assert_eq!(example.auth.method, AuthMethod::AzureCli);
    assert_eq!(example.deployment.arm_endpoint, PUBLIC_ARM_ENDPOINT);
}

#[test]
fn minimal_config_uses_defaults() {
    let cfg = Config::parse(&format!("{HEAD}{}", storage("data")), "x").unwrap();
    assert_eq!(cfg.auth.method, AuthMethod::AzureCli);
    assert_eq!(cfg.console.refresh_seconds, 15);
    assert!(!cfg.console.mouse);
    let c = &cfg.components[0];
    assert_eq!(cfg.rpo_minutes(c), 15);
    match &c.targets {
        Targets::Replicated { regions, .. } => {
            assert_eq!(regions, &[Region::new("eastus"), Region::new("westus")])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    let e = one_error(&format!("{HEAD}\n[[components]]\nname = \"x\nkind = 1\n"));
    assert_eq!(e.line, Some(10));
    assert!(e.column.is_some());
    let rendered = Config::parse(&format!("{HEAD}\n[[components]]\nname = \"x\n"), "cfg.toml")
        .unwrap_err()
        .to_string();
    assert!(rendered.starts_with("cfg.toml:10:"), "{rendered}");
}

#[test]
fn unknown_key_is_named() {
    let e = one_error(&format!("{HEAD}rto_minuts = 3\n{}", storage("d")));
    assert!(e.message.contains("rto_minuts"), "{}", e.message);
    assert_eq!(e.line, Some(8));
}

#[test]
fn unknown_kind_lists_the_kinds() {
    let e = one_error(&format!(
        "{HEAD}\n[[components]]\nname = \"x\"\nkind = \"blob\"\nmode = \"hot-cold\"\nresource = \"{SA}\"\n"
    ));
    assert_eq!(e.line, Some(11));
    assert!(e.message.contains("unknown kind 'blob'"));
    assert!(e.message.contains("sql-failover-group"));
}

#[test]
fn wrong_shape_is_named() {
    let e = errors(&format!(
        "{HEAD}\n[[components]]\nname = \"ws\"\nkind = \"ml-workspace\"\nmode = \"hot-cold\"\nresource = \"{WS1}\"\n"
    ));
    assert!(
        e.iter()
            .any(|i| i.message.contains("'resource' does not apply"))
    );
    assert!(e.iter().any(|i| i.message.contains("needs 'primary'")));
    let e = errors(&format!(
        "{HEAD}\n[[components]]\nname = \"st\"\nkind = \"storage\"\nmode = \"hot-cold\"\nprimary = \"{SA}\"\n"
    ));
    assert!(
        e.iter()
            .any(|i| i.message.contains("'primary' does not apply"))
    );
}

#[test]
fn resource_type_must_match_kind() {
    let e = one_error(&format!(
        "{HEAD}\n[[components]]\nname = \"ws\"\nkind = \"ml-workspace\"\nmode = \"hot-cold\"\nprimary = \"{SA}\"\nsecondary = \"{WS2}\"\n"
    ));
    assert!(
        e.message
            .contains("Microsoft.Storage/storageAccounts but kind 'ml-workspace'"),
        "{}",
        e.message
    );
    assert_eq!(e.line, Some(13));
}

#[test]
fn malformed_resource_id_is_named() {
    let e = one_error(&format!(
        "{HEAD}\n[[components]]\nname = \"st\"\nkind = \"storage\"\nmode = \"hot-cold\"\nresource = \"stcontoso\"\n"
    ));
    assert!(
        e.message.contains("'stcontoso' is not a resource id"),
        "{}",
        e.message
    );
}

#[test]
fn duplicate_names_and_resources_are_refused() {
    let e = errors(&format!("{HEAD}{}{}", storage("d"), storage("d")));
    assert!(
        e.iter()
            .any(|i| i.message.contains("duplicate component name 'd'"))
    );
    assert!(
        e.iter()
            .any(|i| i.message.contains("more than one component"))
    );
}

#[test]
fn region_outside_the_deployment_is_refused() {
    let cosmos = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/c";
    let e = errors(&format!(
        "{HEAD}\n[[components]]\nname = \"c\"\nkind = \"cosmos-db\"\nmode = \"hot-hot\"\nresource = \"{cosmos}\"\nregions = [\"eastus\", \"centralus\"]\n"
    ));
    assert!(
        e.iter()
            .any(|i| i.message.contains("'centralus' is not in the deployment")),
        "{e:#?}"
    );
}

#[test]
fn unknown_region_gets_a_suggestion() {
    let text = format!("{HEAD}{}", storage("d")).replace("\"eastus\"", "\"estus\"");
    let e = one_error(&text);
    assert!(e.message.contains("did you mean 'eastus'"), "{}", e.message);
    assert_eq!(e.line, Some(4));
}

#[test]
fn plain_http_is_only_for_loopback() {
    let ok = format!(
        "{HEAD}arm_endpoint = \"http://127.0.0.1:8080\"\n{}",
        storage("d")
    );
    assert!(Config::parse(&ok, "x").is_ok());
    let v6 = format!(
        "{HEAD}arm_endpoint = \"http://[::1]:8080/\"\n{}",
        storage("d")
    );
    assert_eq!(
        Config::parse(&v6, "x").unwrap().deployment.arm_endpoint,
        "http://[::1]:8080"
    );
    let bad = format!(
        "{HEAD}arm_endpoint = \"http://10.0.0.5:8080\"\n{}",
        storage("d")
    );
    let e = one_error(&bad);
    assert!(
        e.message.contains("plain http:// to '10.0.0.5:8080'"),
        "{}",
        e.message
    );
    let sneaky = format!(
        "{HEAD}arm_endpoint = \"http://127.0.0.1.evil.example\"\n{}",
        storage("d")
    );
    assert!(Config::parse(&sneaky, "x").is_err());
}

#[test]
fn simulator_auth_needs_loopback() {
    let text = format!("{HEAD}{}\n[auth]\nmethod = \"simulator\"\n", storage("d"));
    let e = one_error(&text);
    assert!(
        e.message
            .contains("refused unless arm_endpoint is a loopback")
    );
}

#[test]
fn client_secret_needs_ids() {
    let text = format!(
        "{HEAD}{}\n[auth]\nmethod = \"client-secret\"\n",
        storage("d")
    );
    let e = errors(&text);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e[0].message.contains("AZURE_CLIENT_SECRET"));
}

#[test]
fn custom_steps_are_validated() {
    let text = format!(
        "{HEAD}{}\n[[runbook.steps]]\nid = \"Bad Id\"\ntitle = \"t\"\nphase = \"later\"\ninstructions = \"i\"\napplies_to = [\"drill\"]\n",
        storage("d")
    );
    let e = errors(&text);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(e[0].message.contains("may only use"));
    assert!(e[1].message.contains("unknown phase 'later'"));
    assert!(e[2].message.contains("applies_to"));
}

#[test]
fn routing_kinds_need_their_endpoint_names() {
    let tm = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm";
    let e = errors(&format!(
        "{HEAD}\n[[components]]\nname = \"tm\"\nkind = \"traffic-manager\"\nmode = \"hot-hot\"\nresource = \"{tm}\"\nprimary_origin = \"a\"\n"
    ));
    assert!(
        e.iter()
            .any(|i| i.message.contains("'primary_origin' does not apply"))
    );
    assert!(
        e.iter()
            .any(|i| i.message.contains("needs 'primary_endpoint'"))
    );
}

#[test]
fn no_components_is_an_error() {
    let e = one_error(HEAD);
    assert!(e.message.contains("no [[components]]"));
}

#[test]
fn loopback_detection() {
    assert!(is_loopback_url("http://localhost:1/x"));
    assert!(is_loopback_url("http://127.1.2.3"));
    assert!(is_loopback_url("http://[::1]:9"));
    assert!(!is_loopback_url("http://example.com"));
    assert!(!is_loopback_url("http://user@10.0.0.1"));
}

#[test]
fn console_theme_and_colours() {
    let cfg = Config::parse(&format!("{HEAD}{}", storage("data")), "x").unwrap();
    assert_eq!(cfg.console.theme, ThemeName::Dark);
    assert_eq!(cfg.console.colors, ColorOverrides::default());
    let text = format!(
        "{HEAD}{}\n[console]\ntheme = \"light\"\n\n[console.colors]\ngood = \"Light Green\"\nbad = \"#FF0033\"\nselection = \"dark-grey\"\n",
        storage("data")
    );
    let cfg = Config::parse(&text, "x").unwrap();
    assert_eq!(cfg.console.theme, ThemeName::Light);
    assert_eq!(
        cfg.console.colors.good,
        Some(ColorValue::Named("lightgreen"))
    );
    assert_eq!(cfg.console.colors.bad, Some(ColorValue::Rgb(255, 0, 0x33)));
    assert_eq!(
        cfg.console.colors.selection,
        Some(ColorValue::Named("darkgray"))
    );
    assert_eq!(cfg.console.colors.warn, None);
    let text = format!(
        "{HEAD}{}\n[console]\ntheme = \"high-contrast\"\n",
        storage("data")
    );
    assert_eq!(
        Config::parse(&text, "x").unwrap().console.theme,
        ThemeName::HighContrast
    );
}

#[test]
fn unknown_keys_are_collected_with_the_other_problems() {
    let text = format!(
        "{HEAD}rpo_minute = 5\n[auth]\nmethod = \"azure-cli\"\ntenant = \"x\"\n\n[[components]]\nname = \"data\"\nkind = \"storage\"\nmode = \"hot-cold\"\nresource = \"{SA}\"\nrpo_minuts = 3\n\n[[components]]\nname = \"other\"\nkind = \"blob\"\nmode = \"hot-cold\"\n\n[consol]\nmouse = true\n"
    );
    let e = errors(&text);
    let messages: Vec<&str> = e.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(e.len(), 5, "{messages:#?}");
    assert_eq!(e[0].line, Some(8));
    assert_eq!(e[0].column, Some(1));
    assert_eq!(
        e[0].message,
        "unknown key 'rpo_minute' in [deployment] (did you mean 'rpo_minutes'?)"
    );
    assert_eq!(e[1].line, Some(11));
    assert!(
        e[1].message.starts_with("unknown key 'tenant' in [auth]"),
        "{}",
        e[1].message
    );
    assert_eq!(
        e[2].message,
        "unknown key 'rpo_minuts' in [[components]] (name = \"data\") (did you mean 'rpo_minutes'?)"
    );
    assert!(
        e[3].message.contains("unknown kind 'blob'"),
        "{}",
        e[3].message
    );
    assert_eq!(e[4].line, Some(25));
    assert!(
        e[4].message
            .starts_with("unknown key 'consol' at the top level (did you mean 'console'?)"),
        "{}",
        e[4].message
    );
}

#[test]
fn a_bad_theme_or_colour_is_located() {
    let base = format!("{HEAD}{}", storage("data"));
    let lines = base.lines().count();
    let e = one_error(&format!("{base}\n[console]\ntheme = \"ligth\"\n"));
    assert_eq!((e.line, e.column), (Some(lines + 3), Some(9)), "{e:?}");
    assert!(
        e.message
            .contains("unknown theme 'ligth' (did you mean 'light'?)"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("dark, light, high-contrast"),
        "{}",
        e.message
    );

    let e = one_error(&format!("{base}\n[console.colors]\nwarn = \"orang\"\n"));
    assert_eq!((e.line, e.column), (Some(lines + 3), Some(8)), "{e:?}");
    assert!(
        e.message
            .starts_with("console.colors.warn: 'orang' is not a colour"),
        "{}",
        e.message
    );
    let e = one_error(&format!("{base}\n[console.colors]\nbad = \"#12345\"\n"));
    assert!(e.message.contains("use #rrggbb"), "{}", e.message);
    let e = one_error(&format!("{base}\n[console.colors]\nhealthy = \"green\"\n"));
    assert_eq!(
        e.line,
        Some(lines + 3),
        "an unknown colour key is located: {e:?}"
    );
    assert!(
        e.message
            .contains("unknown key 'healthy' in [console.colors]"),
        "{}",
        e.message
    );
}

#[test]
fn an_unknown_key_beside_a_wrong_type_names_both() {
    let text = format!(
        "{HEAD}{}\n[console]\nmuose = true\nrefresh_seconds = \"often\"\n",
        storage("d")
    );
    let e = errors(&text);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].message.contains("'muose'") && e[0].message.contains("'mouse'"),
        "{e:#?}"
    );
    assert_eq!(e[1].line, Some(17));
}

#[test]
fn a_misspelt_required_key_is_read_as_the_key_it_suggests() {
    // Without the suggestion taken, "missing field rpo_minutes" would hide the region's problem.
    let text = format!("{HEAD}{}", storage("d"))
        .replace("rpo_minutes = 15", "rpo_minuts = 0")
        .replace("\"West US\"", "\"westsu\"");
    let e = errors(&text);
    let messages: Vec<&str> = e.iter().map(|i| i.message.as_str()).collect();
    assert_eq!(e.len(), 3, "{messages:#?}");
    assert!(messages[0].starts_with("unknown Azure region 'westsu'"));
    assert_eq!(
        messages[1],
        "unknown key 'rpo_minuts' in [deployment] (did you mean 'rpo_minutes'?)"
    );
    assert_eq!(messages[2], "rpo_minutes must be at least 1");
    assert_eq!((e[1].line, e[2].line), (Some(7), Some(7)));
}

#[test]
fn partner_server_is_read_and_validated() {
    const FG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Sql/servers/sql-eastus/failoverGroups/fog";
    const PARTNER: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dr/providers/Microsoft.Sql/servers/sql-westus";
    let sql = |partner: &str| {
        format!(
            "{HEAD}\n[[components]]\nname = \"fs\"\nkind = \"sql-failover-group\"\nmode = \"hot-cold\"\nresource = \"{FG}\"\npartner_server = \"{partner}\"\n"
        )
    };
    let cfg = Config::parse(&sql(PARTNER), "cfg.toml").unwrap();
    assert_eq!(
        cfg.component("fs")
            .unwrap()
            .partner_server
            .as_ref()
            .unwrap()
            .as_str(),
        PARTNER
    );
    // Not a server, the group's own server, not an id, another kind.
    let e = one_error(&sql(FG));
    assert!(
        e.message.contains("must be a Microsoft.Sql/servers"),
        "{e:?}"
    );
    let own = &FG[..FG.find("/failoverGroups").unwrap()];
    let e = one_error(&sql(own));
    assert!(
        e.message.contains("the failover group's own server"),
        "{e:?}"
    );
    let e = one_error(&sql("sql-westus"));
    assert!(e.message.contains("is not a resource id"), "{e:?}");
    let e = one_error(&format!(
        "{HEAD}{}partner_server = \"{PARTNER}\"\n",
        storage("st")
    ));
    assert!(
        e.message
            .contains("'partner_server' applies only to sql-failover-group"),
        "{e:?}"
    );
    assert!(e.line.is_some(), "located: {e:?}");
}
