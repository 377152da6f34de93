use super::*;
use crate::engine::segments::SuperLoyal;
use crate::money::Money;

#[test]
fn defaults_are_the_spec() {
    let c = Config::default();
    assert_eq!(c.rules.churn_days, 240);
    assert_eq!(c.rules.toddler_days, 90);
    assert_eq!(c.rules.loyal_days, 210);
    assert_eq!(c.rules.loyal_amount, Money::from_units(70_000).unwrap());
    assert_eq!(c.columns.customer, "customer_id");
    assert_eq!(c.time_zone, chrono_tz::Asia::Tokyo);
    assert_eq!(c.conversion_target, 0.5);
}

#[test]
fn flags_win_over_file() {
    let file =
        Config::parse_file("[cpm]\nchurn_days = 180\nloyal_amount = \"50000.5\"\n[columns]\ncustomer = \"会員ID\"\n")
            .unwrap();
    let mut flags = Overrides::default();
    flags.set("churn_days=200").unwrap();
    let c = Config::resolve(&file, &flags).unwrap();
    assert_eq!(c.rules.churn_days, 200);
    assert_eq!(c.rules.loyal_amount.to_string(), "50000.5");
    assert_eq!(c.columns.customer, "会員ID");
}

#[test]
fn rejects_unknown_keys_and_bad_values() {
    assert!(Config::parse_file("[cpm]\nchurn_dayz = 1\n").is_err());
    let file = Config::parse_file("[cpm]\nchurn_days = 0\n").unwrap();
    let err = Config::resolve(&file, &Overrides::default()).unwrap_err();
    assert!(err.to_string().contains("churn_days"), "{err}");
    let file = Config::parse_file("time_zone = \"Mars/Base\"\n").unwrap();
    assert!(Config::resolve(&file, &Overrides::default()).is_err());
}

fn resolve(toml: &str, flags: &Overrides) -> Result<Config> {
    Config::resolve(&Config::parse_file(toml)?, flags)
}

#[test]
fn scheme_and_lifecycle_thresholds() {
    let c = Config::default();
    assert_eq!(c.scheme, Scheme::Cpm);
    assert_eq!(c.lifecycle, LifecycleRules::default());
    assert_eq!(c.rules.super_loyal, None);
    let c = resolve(
        "scheme = \"lifecycle\"\n[lifecycle]\nactive_days = 40\ndormant_days = 90\nvip_top_share = 0.14\n",
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(c.scheme, Scheme::Lifecycle);
    assert_eq!((c.lifecycle.active_days, c.lifecycle.dormant_days), (40, 90));
    assert_eq!(c.lifecycle.vip_top_share.millionths(), 140_000);
    assert_eq!(c.lifecycle.vip_top_share.top_k(50), 7);
    let mut flags = Overrides::default();
    flags.set("scheme=cpm").unwrap();
    flags.set("vip_top_share=0").unwrap();
    let c = resolve("scheme = \"lifecycle\"\n", &flags).unwrap();
    assert_eq!(c.scheme, Scheme::Cpm);
    assert!(c.lifecycle.vip_top_share.is_zero());
    for bad in [
        "scheme = \"rfm\"\n",
        "[lifecycle]\nvip_top_share = 1.5\n",
        "[lifecycle]\nvip_top_share = \"0.0000001\"\n",
        "[lifecycle]\nactive_days = 90\n",
        "[lifecycle]\nvip_min_purchase_days = 0\n",
        "[lifecycle]\nactive_dayz = 1\n",
    ] {
        assert!(resolve(bad, &Overrides::default()).is_err(), "{bad}");
    }
}

#[test]
fn super_loyal_is_off_by_default_and_validated() {
    let c = resolve("[cpm]\nsuper_loyal_amount = 200000\n", &Overrides::default()).unwrap();
    assert_eq!(
        c.rules.super_loyal,
        Some(SuperLoyal {
            amount: Money::from_units(200_000).unwrap(),
            days: None
        })
    );
    let mut flags = Overrides::default();
    flags.set("super_loyal_amount=off").unwrap();
    let c = resolve("[cpm]\nsuper_loyal_amount = 200000\nsuper_loyal_days = 365\n", &flags).unwrap();
    assert_eq!(c.rules.super_loyal, None);
    assert!(resolve("[cpm]\nsuper_loyal_amount = 60000\n", &Overrides::default()).is_err());
    assert!(resolve("[cpm]\nsuper_loyal_days = 365\n", &Overrides::default()).is_err());
    assert!(resolve("[cpm]\nsuper_loyal_amount = \"lots\"\n", &Overrides::default()).is_err());
    assert!(
        resolve(
            "[cpm]\nsuper_loyal_amount = 100000\nsuper_loyal_days = 100\n",
            &Overrides::default()
        )
        .is_err()
    );
}

#[test]
fn set_maps_keys_onto_flags() {
    let mut flags = Overrides::default();
    flags.set("loyal_amount=50000").unwrap();
    flags.set("cpm.churn_days = 180").unwrap();
    flags.set("lifecycle.vip_top_share=0.05").unwrap();
    flags.set("scheme=lifecycle").unwrap();
    assert_eq!(flags.values["cpm.loyal_amount"], "50000");
    assert_eq!(flags.values["cpm.churn_days"], "180");
    assert_eq!(flags.values["lifecycle.vip_top_share"], "0.05");
    let c = Config::resolve(&ConfigFile::default(), &flags).unwrap();
    assert_eq!(c.scheme, Scheme::Lifecycle);
    assert!(flags.set("churn_days=soon").is_err());
    assert!(flags.set("loyal_amount").is_err());
    let err = flags.set("loyalty=1").unwrap_err().to_string();
    assert!(err.contains("known keys"), "{err}");
}
