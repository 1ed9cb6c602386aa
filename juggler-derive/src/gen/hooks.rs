//! Emits the hook dispatch for `#[model(hooks)]`.

use crate::ast::ModelIr;
use proc_macro2::TokenStream;
use quote::quote_spanned;

pub(crate) fn emit(model: &ModelIr<'_>) -> TokenStream {
    if !model.attr.hooks.is_present() {
        return TokenStream::new();
    }
    let span = model.attr.hooks.span();
    let ident = &model.input.ident;
    quote_spanned! {span=>
        const HAS_HOOKS: bool = true;
        #[inline] fn run_hook<'a>(
            hook: ::juggler::HookKind,
            ctx: &'a mut ::juggler::Context<Self>,
        ) -> ::juggler::BoxFuture<'a, ::juggler::Result<()>> {
            match hook {
                ::juggler::HookKind::Access => <#ident as ::juggler::Hooks>::access(ctx),
                ::juggler::HookKind::BeforeSave => <#ident as ::juggler::Hooks>::before_save(ctx),
                ::juggler::HookKind::AfterSave => <#ident as ::juggler::Hooks>::after_save(ctx),
                ::juggler::HookKind::BeforeDelete => <#ident as ::juggler::Hooks>::before_delete(ctx),
                ::juggler::HookKind::AfterDelete => <#ident as ::juggler::Hooks>::after_delete(ctx),
                ::juggler::HookKind::Loaded => <#ident as ::juggler::Hooks>::loaded(ctx),
                ::juggler::HookKind::Persist => <#ident as ::juggler::Hooks>::persist(ctx),
            }
        }
    }
}
