import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, ExternalSelectAction, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { saveSettingAsAdmin } from '../../core/admin';
import { createValue, editValue, findValueById, findValuesLike, listAllValues } from '../../core/admin-values';
import { validateCustomObservance, MAX_CUSTOM_OBSERVANCES, type CustomObservance } from '../../core/observances';
import { SETTING_LABELS } from '../../core/setting-labels';
import { readSettingForm } from '../../core/settings-form';
import { loadSettingsSnapshot } from '../../core/settings-store';
import { SlackCallError } from '../api';
import { CALLBACK, CONFLICT_TEXT, MODAL_ACTION, NOT_ADMIN_TEXT } from '../blocks/admin-modal-kit';
import { noticeModal } from '../blocks/admin-notices';
import { customFormModal, customListModal, type CustomMeta } from '../blocks/custom-observance-modals';
import { isHomeSettingKey } from '../blocks/home-admin';
import { HOME_ACTION } from '../blocks/home-kit';
import { firstBlock, settingErrorBlocks, settingModal, type SettingMeta } from '../blocks/setting-modal';
import { emoji } from '../blocks/text';
import { valueFormModal, valuesListModal, type ValueMeta } from '../blocks/value-modals';
import type { SlackContext } from '../context';
import { contextOf } from '../workspaces';
import { adminButton } from './admin-button';
import type { ModalView } from '../types';
import { customFormOf, settingFormOf, valueFormOf, type ViewState } from '../view-state';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * The admin configuration in Slack: one modal per setting, the values, and custom observances, all opened
 * from the App Home. Every button and every submission checks the acting user (body.user.id, from the
 * signed payload) on the server; private_metadata only says which version a form was opened with, and the
 * save uses it as the expected version, so of two admins saving the same setting the second is told to reopen.
 */
export function register(app: App): void {
  /** A submission from someone who is not an admin (a forgery, or an admin demoted meanwhile) changes nothing. */
  const refuse = (ack: ViewArgs['ack']) => ack({ response_action: 'update', view: noticeModal('Not allowed', NOT_ADMIN_TEXT) });

  const saved = (ctx: SlackContext, userId: string, text: string) => ctx.background.run('refresh admin home', () => ctx.home.publish(userId, { kind: 'ok', text }));

  // ---- Settings -----------------------------------------------------------------------------------------

  app.action<BlockAction<ButtonAction>>(
    new RegExp(`^${HOME_ACTION.editPrefix}`),
    adminButton<BlockAction<ButtonAction>>('open setting', async (ctx, body, check) => {
      const key = body.actions[0]?.action_id.slice(HOME_ACTION.editPrefix.length) ?? '';
      if (!isHomeSettingKey(key)) return;
      const { settings, versions } = check.snapshot;
      await ctx.api.call('views.open', {
        trigger_id: body.trigger_id,
        view: settingModal(key, settings, versions[key], { workspaceTimeZone: ctx.workspace().time_zone, operatorAdmins: ctx.home.operatorAdmins() }),
      });
    }),
  );

  app.view<ViewSubmitAction>({ callback_id: new RegExp(`^${CALLBACK.settingPrefix}`), type: 'view_submission' }, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const key = view.callback_id.slice(CALLBACK.settingPrefix.length);
    const check = await ctx.home.requireAdmin(body.user.id, `save setting ${key}`);
    if (!check) return refuse(ack);
    if (!isHomeSettingKey(key)) return refuse(ack);
    const meta = parseMeta<SettingMeta>(view.private_metadata);
    if (!meta || !Number.isInteger(meta.v)) return ack({ response_action: 'errors', errors: { [firstBlock(key)]: CONFLICT_TEXT } });
    const read = readSettingForm(key, settingFormOf(key, (view.state?.values ?? {}) as ViewState), check.snapshot.settings);
    if (!read.ok) return ack({ response_action: 'errors', errors: settingErrorBlocks(key, read.errors) });
    const out = await saveSettingAsAdmin(ctx.db, check, { key, value: read.value, expectedVersion: meta.v as number });
    if (out.status === 'not_admin') return refuse(ack);
    if (out.status === 'invalid') return ack({ response_action: 'errors', errors: settingErrorBlocks(key, out.errors) });
    if (out.status === 'conflict') {
      ctx.logger.info({ key, user: body.user.id }, 'a setting was saved by someone else first; asked to reopen');
      return ack({ response_action: 'errors', errors: { [firstBlock(key)]: CONFLICT_TEXT } });
    }
    await ack();
    ctx.logger.info({ key, user: body.user.id, version: out.version }, 'setting changed in the App Home');
    saved(ctx, body.user.id, `Saved: ${SETTING_LABELS[key].toLowerCase()}.`);
  });

  // ---- Values -------------------------------------------------------------------------------------------

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.values,
    adminButton<BlockAction<ButtonAction>>('open values', async (ctx, body) => {
      const values = await listAllValues(ctx.db, ctx.workspace().id);
      await ctx.api.call('views.open', { trigger_id: body.trigger_id, view: valuesListModal(values) });
    }),
  );

  const pushValueForm = async (ctx: SlackContext, body: BlockAction, id: number | null) => {
    const value = id === null ? null : await findValueById(ctx.db, ctx.workspace().id, id);
    if (id !== null && !value) return;
    await ctx.api.call('views.push', { trigger_id: body.trigger_id, view: valueFormModal(value) });
  };
  app.action<BlockAction<ButtonAction>>(
    MODAL_ACTION.valueAdd,
    adminButton<BlockAction<ButtonAction>>('add value', (ctx, body) => pushValueForm(ctx, body, null)),
  );
  app.action<BlockAction<ButtonAction>>(
    MODAL_ACTION.valueEdit,
    adminButton<BlockAction<ButtonAction>>('edit value', (ctx, body) => pushValueForm(ctx, body, toId(body.actions[0]?.value))),
  );
  app.action<BlockAction<ExternalSelectAction>>(
    MODAL_ACTION.valuePick,
    adminButton<BlockAction<ExternalSelectAction>>('pick value', (ctx, body) => pushValueForm(ctx, body, toId(body.actions[0]?.selected_option?.value))),
  );
  // The picker's suggestions: values are no secret (everyone sees them in `/thanks help`), so no admin check.
  app.options<'block_suggestion'>({ action_id: MODAL_ACTION.valuePick }, async ({ options, ack, context }) => {
    const ctx = contextOf(context);
    const found = await findValuesLike(ctx.db, ctx.workspace().id, String((options as { value?: string }).value ?? ''), 100);
    await ack({
      options: found.map((v) => ({
        text: { type: 'plain_text' as const, text: `${emoji(v.emoji)} ${v.label}${v.active ? '' : ' (deactivated)'}`.slice(0, 75), emoji: true },
        value: String(v.id),
      })),
    });
  });

  app.view<ViewSubmitAction>(CALLBACK.valueForm, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const check = await ctx.home.requireAdmin(body.user.id, 'save value');
    if (!check) return refuse(ack);
    const meta = parseMeta<ValueMeta>(view.private_metadata);
    const form = valueFormOf((view.state?.values ?? {}) as ViewState);
    const ws = ctx.workspace();
    const actorId = check.person?.id ?? null;
    let text: string;
    if (!meta || meta.id === null || meta.id === undefined) {
      const out = await createValue(ctx.db, { workspaceId: ws.id, actorId, draft: form });
      if (out.status === 'invalid') return ack({ response_action: 'errors', errors: out.errors as Record<string, string> });
      text = `Added the value ${emoji(out.value.emoji)} ${out.value.label} (#${out.value.slug}).`;
    } else {
      const id = toId(String(meta.id));
      if (id === null || typeof meta.label !== 'string' || typeof meta.emoji !== 'string' || typeof meta.active !== 'boolean') {
        return ack({ response_action: 'errors', errors: { label: CONFLICT_TEXT } });
      }
      const out = await editValue(ctx.db, {
        workspaceId: ws.id,
        actorId,
        id,
        expected: { label: meta.label, emoji: meta.emoji, active: meta.active },
        draft: form,
        settings: check.snapshot.settings,
      });
      if (out.status === 'invalid') return ack({ response_action: 'errors', errors: out.errors as Record<string, string> });
      if (out.status === 'not_found') return ack({ response_action: 'errors', errors: { label: 'This value no longer exists.' } });
      if (out.status === 'conflict') return ack({ response_action: 'errors', errors: { label: CONFLICT_TEXT } });
      text = `Saved the value ${emoji(out.value.emoji)} ${out.value.label}${out.value.active ? '' : ' (deactivated)'}.`;
    }
    await ack();
    const parent = view.previous_view_id;
    ctx.background.run('refresh values list', async () => {
      if (parent) await updateView(ctx, parent, valuesListModal(await listAllValues(ctx.db, ws.id)));
      await ctx.home.publish(body.user.id, { kind: 'ok', text });
    });
  });

  // ---- Custom observances (inside the `observances` setting) ---------------------------------------------

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.customObservances,
    adminButton<BlockAction<ButtonAction>>('open custom observances', async (ctx, body, check) => {
      const { settings, versions } = check.snapshot;
      await ctx.api.call('views.open', { trigger_id: body.trigger_id, view: customListModal(settings.observances.custom, versions.observances) });
    }),
  );
  app.action<BlockAction<ButtonAction>>(
    MODAL_ACTION.customAdd,
    adminButton<BlockAction<ButtonAction>>('add custom observance', async (ctx, body, check) => {
      const { settings, versions } = check.snapshot;
      if (settings.observances.custom.length >= MAX_CUSTOM_OBSERVANCES) {
        await ctx.api.call('views.push', {
          trigger_id: body.trigger_id,
          view: noticeModal('Custom observances', `There are already ${MAX_CUSTOM_OBSERVANCES} custom observances, the most Kudos keeps. Remove one first.`),
        });
        return;
      }
      await ctx.api.call('views.push', { trigger_id: body.trigger_id, view: customFormModal(null, versions.observances) });
    }),
  );
  app.action<BlockAction<ButtonAction>>(
    MODAL_ACTION.customEdit,
    adminButton<BlockAction<ButtonAction>>('edit custom observance', async (ctx, body, check) => {
      const { settings, versions } = check.snapshot;
      const found = settings.observances.custom.find((c) => c.id === body.actions[0]?.value);
      const view = found ? customFormModal(found, versions.observances) : noticeModal('Custom observance', 'This observance was removed meanwhile.');
      await ctx.api.call('views.push', { trigger_id: body.trigger_id, view });
    }),
  );

  app.view<ViewSubmitAction>(CALLBACK.customForm, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const check = await ctx.home.requireAdmin(body.user.id, 'save custom observance');
    if (!check) return refuse(ack);
    const meta = parseMeta<CustomMeta>(view.private_metadata);
    if (!meta || !Number.isInteger(meta.v)) return ack({ response_action: 'errors', errors: { name: CONFLICT_TEXT } });
    const { settings, versions } = check.snapshot;
    if (versions.observances !== meta.v) return ack({ response_action: 'errors', errors: { name: CONFLICT_TEXT } });
    const form = customFormOf((view.state?.values ?? {}) as ViewState);
    const current = settings.observances.custom;
    const editingId = typeof meta.id === 'string' ? meta.id : null;
    if (editingId && !current.some((c) => c.id === editingId)) return ack({ response_action: 'errors', errors: { name: CONFLICT_TEXT } });

    let custom: CustomObservance[];
    let text: string;
    if (editingId && form.remove) {
      custom = current.filter((c) => c.id !== editingId);
      text = `Removed the observance ${current.find((c) => c.id === editingId)!.name}.`;
    } else {
      const checked = validateCustomObservance({ id: editingId ?? undefined, name: form.name, date: form.date, days: form.days, message: form.message });
      if (!checked.ok) {
        const errors: Record<string, string> = {};
        for (const [field, message] of Object.entries(checked.errors)) errors[field === 'id' ? 'name' : field] = message!;
        return ack({ response_action: 'errors', errors });
      }
      if (!editingId && current.length >= MAX_CUSTOM_OBSERVANCES) {
        return ack({ response_action: 'errors', errors: { name: `There are already ${MAX_CUSTOM_OBSERVANCES} custom observances, the most Kudos keeps. Remove one first.` } });
      }
      custom = editingId ? current.map((c) => (c.id === editingId ? checked.value : c)) : [...current, checked.value];
      text = `Saved the observance ${checked.value.name}.`;
    }
    const out = await saveSettingAsAdmin(ctx.db, check, { key: 'observances', value: { ...settings.observances, custom }, expectedVersion: meta.v });
    if (out.status === 'not_admin') return refuse(ack);
    if (out.status === 'conflict') return ack({ response_action: 'errors', errors: { name: CONFLICT_TEXT } });
    if (out.status === 'invalid') return ack({ response_action: 'errors', errors: { name: Object.values(out.errors)[0] ?? 'That could not be saved.' } });
    await ack();
    const parent = view.previous_view_id;
    ctx.background.run('refresh custom observances', async () => {
      if (parent) {
        const fresh = await loadSettingsSnapshot(ctx.db, ctx.workspace().id);
        await updateView(ctx, parent, customListModal(fresh.settings.observances.custom, fresh.versions.observances));
      }
      await ctx.home.publish(body.user.id, { kind: 'ok', text });
    });
  });
}

async function updateView(ctx: SlackContext, viewId: string, view: ModalView): Promise<void> {
  try {
    await ctx.api.call('views.update', { view_id: viewId, view });
  } catch (err) {
    // The list was closed meanwhile: nothing to refresh.
    ctx.logger.info({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not refresh an admin list');
  }
}

function parseMeta<T>(raw: string | undefined): Partial<T> | null {
  try {
    const v: unknown = JSON.parse(raw ?? '');
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Partial<T>) : null;
  } catch {
    return null;
  }
}

function toId(raw: string | undefined): number | null {
  return raw && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}
