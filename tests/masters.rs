#![allow(clippy::unwrap_used)]
//! Master data end to end: admins write and everyone reads, names are unique, stages
//! keep an order, and masters in use are retired rather than deleted.

use sfa_core::{
    ConfidenceInput, DealInput, DealLineInput, Entity, Error, MasterId, PageRequest,
    ProductCategoryInput, ProductInput, Reason, StageInput,
};
use sfa_testkit::{Catalog, Office, dec, field_error};

fn denied<T: std::fmt::Debug>(result: Result<T, Error>) {
    assert!(
        matches!(result, Err(Error::PermissionDenied { .. })),
        "{result:?}"
    );
}

#[test]
fn members_read_master_data_but_only_admins_write_it() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    assert_eq!(o.hanako.list_stages(false).unwrap(), c.stages);
    assert_eq!(o.hanako.list_products(false).unwrap().len(), 4);
    assert_eq!(o.hanako.get_campaign(c.campaign.id).unwrap(), c.campaign);

    denied(o.hanako.add_stage(&StageInput {
        name: "受注処理".into(),
        default_percentage: None,
    }));
    denied(o.hanako.add_confidence(&ConfidenceInput {
        label: "S".into(),
        percentage: 95,
    }));
    denied(o.hanako.add_product_category(&ProductCategoryInput {
        name: "ハードウェア".into(),
    }));
    denied(o.hanako.update_product(
        c.products[0].id,
        c.products[0].version,
        &ProductInput {
            category_id: c.products[0].category_id,
            code: "SV-100".into(),
            name: "値下げ".into(),
            unit_price: dec("1"),
        },
    ));
    denied(
        o.hanako
            .retire_master(MasterId::Stage(c.stages[0].id), c.stages[0].version),
    );
    denied(o.hanako.delete_master(MasterId::Product(c.products[3].id)));
    let order: Vec<_> = c.stages.iter().rev().map(|s| s.id).collect();
    denied(o.hanako.reorder_stages(&order));
    assert_eq!(
        o.hanako.list_stages(true).unwrap(),
        c.stages,
        "nothing changed"
    );
    let mut products = c.products.clone();
    products.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(o.hanako.list_products(true).unwrap(), products, "by code");
}

#[test]
fn names_labels_and_codes_are_unique_within_their_kind() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let dup = o.manager.add_stage(&StageInput {
        name: "提案".into(),
        default_percentage: Some(45),
    });
    assert_eq!(
        field_error(dup),
        (Entity::Stage, "name", Reason::AlreadyUsed)
    );
    let dup = o.manager.add_confidence(&ConfidenceInput {
        label: "A".into(),
        percentage: 90,
    });
    assert_eq!(
        field_error(dup),
        (Entity::Confidence, "label", Reason::AlreadyUsed)
    );
    let dup = o.manager.add_product(&ProductInput {
        category_id: c.categories[0].id,
        code: "ＳＶ－１００".into(), // full-width, folded to SV-100
        name: "別製品".into(),
        unit_price: dec("1"),
    });
    assert_eq!(
        field_error(dup),
        (Entity::Product, "code", Reason::AlreadyUsed)
    );
    // Keeping one's own name on an update is fine.
    let same = o
        .manager
        .update_stage(
            c.stages[2].id,
            c.stages[2].version,
            &StageInput {
                name: "提案".into(),
                default_percentage: Some(45),
            },
        )
        .unwrap();
    assert_eq!(same.default_percentage, Some(45));
    assert_eq!(same.version, 2);
}

#[test]
fn stages_keep_their_order_and_can_be_reordered() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let positions: Vec<i32> = c.stages.iter().map(|s| s.position).collect();
    assert_eq!(positions, [1, 2, 3, 4, 5]);
    let mut order: Vec<_> = c.stages.iter().map(|s| s.id).collect();
    order.swap(1, 2); // ヒアリング after 提案
    let reordered = o.manager.reorder_stages(&order).unwrap();
    let names: Vec<&str> = reordered.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["初回訪問", "提案", "ヒアリング", "見積提示", "最終交渉"]
    );
    assert_eq!(o.hanako.list_stages(false).unwrap(), reordered);
    assert_eq!(reordered[0].version, 1, "unmoved stages keep their version");
    assert_eq!(reordered[1].version, 2);

    let missing = o.manager.reorder_stages(&order[..4]);
    assert_eq!(
        field_error(missing),
        (Entity::Stage, "ids", Reason::NotAllowed)
    );
    let repeated = [order[0], order[0], order[2], order[3], order[4]];
    assert_eq!(
        field_error(o.manager.reorder_stages(&repeated)),
        (Entity::Stage, "ids", Reason::NotAllowed)
    );
}

#[test]
fn masters_in_use_are_retired_not_deleted() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let deal = o
        .hanako
        .add_deal(&DealInput {
            stage_id: Some(c.stages[1].id),
            lines: vec![DealLineInput {
                product_id: c.products[0].id,
                quantity: dec("1"),
                unit_price: None,
            }],
            ..DealInput::named(o.company.id, "生産管理刷新")
        })
        .unwrap();

    for id in [
        MasterId::Stage(c.stages[1].id),
        MasterId::Product(c.products[0].id),
        MasterId::ProductCategory(c.categories[0].id),
    ] {
        let err = o.manager.delete_master(id).unwrap_err();
        assert!(matches!(err, Error::InUse { .. }), "{err:?}");
    }
    assert_eq!(o.manager.list_products(true).unwrap().len(), 4);

    // Unused ones may be deleted.
    o.manager
        .delete_master(MasterId::Confidence(c.confidences[2].id))
        .unwrap();
    assert!(matches!(
        o.manager.get_confidence(c.confidences[2].id),
        Err(Error::NotFound { .. })
    ));

    // Retired: hidden from pickers, refused on new deals, kept on the old one.
    o.manager
        .retire_master(MasterId::Stage(c.stages[1].id), c.stages[1].version)
        .unwrap();
    let product = o
        .manager
        .retire_master(MasterId::Product(c.products[0].id), c.products[0].version)
        .unwrap();
    assert!(product.retired());
    assert_eq!(o.hanako.list_stages(false).unwrap().len(), 4);
    assert_eq!(o.hanako.list_stages(true).unwrap().len(), 5);
    assert!(
        !o.hanako
            .list_products(false)
            .unwrap()
            .iter()
            .any(|p| p.id == c.products[0].id)
    );
    let new_deal = o.hanako.add_deal(&DealInput {
        stage_id: Some(c.stages[1].id),
        ..DealInput::named(o.company.id, "別案件")
    });
    assert_eq!(
        field_error(new_deal),
        (Entity::Deal, "stage_id", Reason::Inactive)
    );
    let new_line = o.hanako.add_deal(&DealInput {
        lines: vec![DealLineInput {
            product_id: c.products[0].id,
            quantity: dec("1"),
            unit_price: None,
        }],
        ..DealInput::named(o.company.id, "別案件")
    });
    assert_eq!(
        field_error(new_line),
        (Entity::Deal, "lines.product_id", Reason::Inactive)
    );
    let kept = o
        .hanako
        .update_deal(
            deal.id,
            deal.version,
            &DealInput {
                notes: Some("先方の予算確定待ち".into()),
                ..deal.input()
            },
        )
        .unwrap();
    assert_eq!(kept.stage_id, Some(c.stages[1].id));
    assert_eq!(kept.lines, deal.lines);

    let restored = o
        .manager
        .restore_master(MasterId::Product(c.products[0].id), product.version())
        .unwrap();
    assert!(!restored.retired());
    let deals = o
        .hanako
        .product_deals(c.products[0].id, &PageRequest::default())
        .unwrap();
    assert_eq!(deals.items.len(), 1);
}

#[test]
fn products_need_an_active_category() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let unknown = o.manager.add_product(&ProductInput {
        category_id: sfa_core::ProductCategoryId::new(),
        code: "X-1".into(),
        name: "謎".into(),
        unit_price: dec("1"),
    });
    assert_eq!(
        field_error(unknown),
        (Entity::Product, "category_id", Reason::UnknownReference)
    );
    let services = &c.categories[1];
    o.manager
        .retire_master(MasterId::ProductCategory(services.id), services.version)
        .unwrap();
    let retired = o.manager.add_product(&ProductInput {
        category_id: services.id,
        code: "SP-30".into(),
        name: "研修".into(),
        unit_price: dec("50000"),
    });
    assert_eq!(
        field_error(retired),
        (Entity::Product, "category_id", Reason::Inactive)
    );
    let negative = o.manager.add_product(&ProductInput {
        category_id: c.categories[0].id,
        code: "SV-300".into(),
        name: "割引".into(),
        unit_price: dec("-100"),
    });
    assert_eq!(
        field_error(negative),
        (Entity::Product, "unit_price", Reason::Negative)
    );
    let pct = o.manager.add_confidence(&ConfidenceInput {
        label: "S".into(),
        percentage: 101,
    });
    assert_eq!(
        field_error(pct),
        (Entity::Confidence, "percentage", Reason::OutOfRange)
    );
}
