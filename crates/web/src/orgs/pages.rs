//! The org tree: view within scope, create and edit (org:manage).

use super::view::{org_options, tree_order};
use crate::auth::{PageUser, Session};
use crate::error::{AppError, FormError, PageError, PageResult};
use crate::extract::{PageForm, page_id};
use crate::layout::{Ctx, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use govmedia_domain::auth::Permission;
use govmedia_domain::org::{
    OrgDesignation, OrgForm, OrgKind, OrgLevel, path_ids, supervising_department,
};
use govmedia_domain::{OrgId, ValidationErrors};
use govmedia_store::StoreError;
use std::collections::HashMap;

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub depth: usize,
    pub kind: &'static str,
    pub level: &'static str,
    pub region: String,
    pub center: bool,
    pub supervising: bool,
    pub supervisor: String,
}

#[derive(Template)]
#[template(path = "orgs.html")]
struct OrgsPage {
    title: &'static str,
    ctx: Ctx,
    rows: Vec<OrgRow>,
    can_manage: bool,
}

async fn list(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    let scope = s.require(Permission::OrgRead)?;
    let orgs = tree_order(state.store.orgs_in_scope(&scope).await?);
    // The supervising department may lie above the visible subtree, so
    // designations come from the whole tree (names only, no org data).
    let all = state
        .store
        .orgs_in_scope(&govmedia_domain::auth::Scope::All { within: None })
        .await?;
    let by_id: HashMap<OrgId, &govmedia_store::orgs::OrgRecord> =
        all.iter().map(|o| (o.id, o)).collect();
    let base = orgs.iter().map(|o| o.depth()).min().unwrap_or(0);
    let rows = orgs
        .iter()
        .map(|o| {
            let chain: Vec<OrgDesignation> = path_ids(&o.path)
                .into_iter()
                .filter_map(|id| by_id.get(&id))
                .map(|r| OrgDesignation {
                    id: r.id,
                    supervising: r.is_supervising,
                })
                .collect();
            let supervisor = supervising_department(&chain)
                .and_then(|id| by_id.get(&id))
                .map(|r| r.name.clone())
                .unwrap_or_else(|| "（未指定）".into());
            OrgRow {
                id: o.id.0,
                name: o.name.clone(),
                depth: (o.depth() - base).min(4),
                kind: o.kind.label(),
                level: o.level.label(),
                region: o.region.clone(),
                center: o.is_publicity_center,
                supervising: o.is_supervising,
                supervisor,
            }
        })
        .collect();
    render(&OrgsPage {
        title: "组织机构",
        ctx: Ctx::new(&s, "orgs").crumb("组织机构", ""),
        rows,
        can_manage: s.can(Permission::OrgManage),
    })
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct OrgFormPage {
    title: &'static str,
    ctx: Ctx,
    heading: String,
    action: String,
    f: OrgForm,
    parent: String,
    supervising: bool,
    errors: ValidationErrors,
    parents: Vec<(i64, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
}

async fn form_page(
    state: &AppState,
    s: &Session,
    id: Option<i64>,
    f: OrgForm,
    errors: ValidationErrors,
) -> PageResult<Response> {
    let scope = s.require(Permission::OrgManage)?;
    let parents = tree_order(state.store.orgs_in_scope(&scope).await?);
    let mut res = render(&OrgFormPage {
        title: "编辑单位",
        ctx: Ctx::new(s, "orgs").crumb("组织机构", "/orgs").crumb(
            if id.is_some() {
                "编辑单位"
            } else {
                "新增单位"
            },
            "",
        ),
        heading: if id.is_some() {
            format!("编辑单位：{}", f.name)
        } else {
            "新增单位".into()
        },
        action: id
            .map(|i| format!("/orgs/{i}"))
            .unwrap_or_else(|| "/orgs".into()),
        parent: f.parent_id.clone().unwrap_or_default(),
        supervising: f.is_supervising.is_some(),
        f,
        errors: errors.clone(),
        parents: org_options(&parents),
        kinds: OrgKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        levels: OrgLevel::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
    })?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn store_errors(e: StoreError) -> Result<ValidationErrors, PageError> {
    match FormError::from(e) {
        FormError::Message { code, message } => {
            let mut v = ValidationErrors::default();
            v.push("name", code, message);
            Ok(v)
        }
        other => Err(other.into()),
    }
}

async fn new_form(State(state): State<AppState>, PageUser(s): PageUser) -> PageResult<Response> {
    let f = OrgForm {
        kind: "organ".into(),
        level: "county".into(),
        parent_id: Some(s.principal.org_id.0.to_string()),
        ..Default::default()
    };
    form_page(&state, &s, None, f, ValidationErrors::default()).await
}

async fn create(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    PageForm(f): PageForm<OrgForm>,
) -> PageResult<Response> {
    let scope = s.require(Permission::OrgManage)?;
    let input = match f.parse() {
        Ok(i) => i,
        Err(e) => return form_page(&state, &s, None, f, e).await,
    };
    // A new org must go below an org the user manages; only "all" scope
    // may create a root.
    match input.parent_id {
        Some(pid) => {
            state.store.org_scoped(&scope, pid).await?;
        }
        None if !matches!(scope, govmedia_domain::auth::Scope::All { within: None }) => {
            return Err(AppError::forbidden().into());
        }
        None => {}
    }
    match state.store.create_org(&s.actor(), &input, false).await {
        Ok(_) => Ok(Redirect::to("/orgs").into_response()),
        Err(e) => {
            let errs = store_errors(e)?;
            form_page(&state, &s, None, f, errs).await
        }
    }
}

async fn edit_form(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let scope = s.require(Permission::OrgManage)?;
    let o = state.store.org_scoped(&scope, OrgId(page_id(&id)?)).await?;
    let f = OrgForm {
        name: o.name.clone(),
        kind: o.kind.code().into(),
        level: o.level.code().into(),
        region: o.region.clone(),
        parent_id: o.parent_id.map(|p| p.0.to_string()),
        is_supervising: o.is_supervising.then(|| "on".to_string()),
    };
    form_page(&state, &s, Some(o.id.0), f, ValidationErrors::default()).await
}

async fn update(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<OrgForm>,
) -> PageResult<Response> {
    let scope = s.require(Permission::OrgManage)?;
    let o = state.store.org_scoped(&scope, OrgId(page_id(&id)?)).await?;
    let input = match f.parse() {
        Ok(i) => i,
        Err(e) => return form_page(&state, &s, Some(o.id.0), f, e).await,
    };
    match input.parent_id {
        Some(pid) => {
            state.store.org_scoped(&scope, pid).await?;
        }
        // Detaching an org to the top level takes unrestricted reach, as
        // creating one does.
        None if o.parent_id.is_some()
            && !matches!(scope, govmedia_domain::auth::Scope::All { within: None }) =>
        {
            return Err(AppError::forbidden().into());
        }
        None => {}
    }
    match state.store.update_org(&s.actor(), o.id, &input).await {
        Ok(()) => Ok(Redirect::to("/orgs").into_response()),
        Err(e) => {
            let errs = store_errors(e)?;
            form_page(&state, &s, Some(o.id.0), f, errs).await
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/orgs", get(list).post(create))
        .route("/orgs/new", get(new_form))
        .route("/orgs/{id}", axum::routing::post(update))
        .route("/orgs/{id}/edit", get(edit_form))
}
