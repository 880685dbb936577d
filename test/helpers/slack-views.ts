import { randomBytes } from 'node:crypto';
import { eventEnvelope, interaction, triggerId } from './slack-requests';

/**
 * Payloads of the App Home and its modals, shaped like Slack's documentation: `app_home_opened`,
 * `block_actions` from the Home tab or a modal, `view_submission` with `state.values`, and
 * `block_suggestion` for external selects. Views are the ones the app sent to the fake Slack API, so a test
 * submits exactly the form the app opened.
 */

export const TEAM = { id: 'T0001', domain: 'acme' };
const user = (id: string) => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM.id });

export function homeOpened(userId: string, tab: 'home' | 'messages' = 'home'): string {
  return JSON.stringify(
    eventEnvelope({ type: 'app_home_opened', user: userId, channel: 'D0KUDOSHOME', tab, event_ts: '1515449522000016' }),
  );
}

export interface SentView {
  type?: string;
  callback_id?: string;
  private_metadata?: string;
  blocks: any[];
  title?: unknown;
  submit?: unknown;
  close?: unknown;
}

let viewSeq = 0;
export const viewId = () => `V${Date.now().toString(36).toUpperCase()}${++viewSeq}`;

/** A click on a button (or a pick in a select) in the Home tab or in a modal. */
export function blockAction(args: {
  userId: string;
  actionId: string;
  value?: string;
  selectedOption?: string;
  /** The view the element is in: the Home ('home', the default) or a modal the app opened. */
  view?: SentView & { id?: string; previous_view_id?: string | null };
  blockId?: string;
}): string {
  const view = args.view ?? { type: 'home', callback_id: 'kudos_home', blocks: [] };
  const id = view.id ?? viewId();
  const action = args.selectedOption
    ? { type: 'external_select', action_id: args.actionId, block_id: args.blockId ?? 'b', selected_option: { text: { type: 'plain_text', text: args.selectedOption }, value: args.selectedOption }, action_ts: '1700000000.000001' }
    : { type: 'button', action_id: args.actionId, block_id: args.blockId ?? 'b', value: args.value, text: { type: 'plain_text', text: 'x' }, action_ts: '1700000000.000001' };
  return interaction({
    type: 'block_actions',
    user: user(args.userId),
    api_app_id: 'A0KUDOS',
    token: 'XXYYZZ',
    container: { type: 'view', view_id: id },
    trigger_id: triggerId(),
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id,
      team_id: TEAM.id,
      type: view.type ?? 'modal',
      blocks: view.blocks,
      private_metadata: view.private_metadata ?? '',
      callback_id: view.callback_id ?? '',
      state: { values: {} },
      hash: randomBytes(4).toString('hex'),
      previous_view_id: view.previous_view_id ?? null,
      root_view_id: id,
      app_id: 'A0KUDOS',
      bot_id: 'B0001',
    },
    actions: [action],
  });
}

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

/** A modal submitted with `values` (block_id → action_id → element state). */
export function viewSubmission(args: { userId: string; view: SentView; values: StateValues; id?: string; previousViewId?: string | null; privateMetadata?: string }): string {
  const id = args.id ?? viewId();
  return interaction({
    type: 'view_submission',
    team: TEAM,
    user: user(args.userId),
    api_app_id: 'A0KUDOS',
    token: 'XXYYZZ',
    trigger_id: triggerId(),
    view: {
      id,
      team_id: TEAM.id,
      type: 'modal',
      blocks: args.view.blocks,
      private_metadata: args.privateMetadata ?? args.view.private_metadata ?? '',
      callback_id: args.view.callback_id,
      state: { values: args.values },
      hash: randomBytes(4).toString('hex'),
      title: args.view.title,
      close: args.view.close ?? null,
      submit: args.view.submit ?? null,
      previous_view_id: args.previousViewId ?? null,
      root_view_id: args.previousViewId ?? id,
      app_id: 'A0KUDOS',
      external_id: '',
      app_installed_team_id: TEAM.id,
      bot_id: 'B0001',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  });
}

/** A `block_suggestion` (an external select asking for options) as the user types. */
export function blockSuggestion(args: { userId: string; actionId: string; value: string; blockId?: string }): string {
  return interaction({
    type: 'block_suggestion',
    user: user(args.userId),
    container: { type: 'view', view_id: viewId() },
    api_app_id: 'A0KUDOS',
    token: 'XXYYZZ',
    action_id: args.actionId,
    block_id: args.blockId ?? 'values_tools',
    value: args.value,
    team: TEAM,
    enterprise: null,
    is_enterprise_install: false,
    view: { id: viewId(), type: 'modal', callback_id: 'admin_values_list', state: { values: {} }, private_metadata: '' },
  });
}

/** Element states, as Slack reports them in `view.state.values`. */
export const state = {
  text: (value: string | null) => ({ type: 'plain_text_input', value }),
  select: (value: string | null) => ({ type: 'static_select', selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value } }),
  radio: (value: string | null) => ({ type: 'radio_buttons', selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value } }),
  checkboxes: (values: string[]) => ({ type: 'checkboxes', selected_options: values.map((value) => ({ text: { type: 'plain_text', text: value }, value })) }),
  time: (value: string | null) => ({ type: 'timepicker', selected_time: value }),
  conversation: (value: string | null) => ({ type: 'conversations_select', selected_conversation: value }),
  users: (values: string[]) => ({ type: 'multi_users_select', selected_users: values }),
  user: (value: string | null) => ({ type: 'users_select', selected_user: value }),
  date: (value: string | null) => ({ type: 'datepicker', selected_date: value }),
};

/**
 * The state a modal would submit if nobody touched it (every input at its initial value), with `changes`
 * (block_id → element state) applied on top.
 */
export function formState(view: SentView, changes: Record<string, Record<string, unknown>> = {}): StateValues {
  const out: StateValues = {};
  for (const b of view.blocks) {
    if (b.type !== 'input') continue;
    const el = b.element;
    let s: Record<string, unknown>;
    switch (el.type) {
      case 'plain_text_input':
        s = state.text(el.initial_value ?? null);
        break;
      case 'static_select':
        s = state.select(el.initial_option?.value ?? null);
        break;
      case 'radio_buttons':
        s = state.radio(el.initial_option?.value ?? null);
        break;
      case 'checkboxes':
        s = state.checkboxes((el.initial_options ?? []).map((o: { value: string }) => o.value));
        break;
      case 'timepicker':
        s = state.time(el.initial_time ?? null);
        break;
      case 'conversations_select':
        s = state.conversation(el.initial_conversation ?? null);
        break;
      case 'multi_users_select':
        s = state.users(el.initial_users ?? []);
        break;
      case 'users_select':
        s = state.user(el.initial_user ?? null);
        break;
      case 'datepicker':
        s = state.date(el.initial_date ?? null);
        break;
      default:
        s = { type: el.type };
    }
    out[b.block_id] = { [el.action_id]: s };
  }
  for (const [block, s] of Object.entries(changes)) {
    const actionId = Object.keys(out[block] ?? {})[0] ?? 'value';
    out[block] = { [actionId]: s };
  }
  return out;
}

/** Every text in a view's blocks, joined (for assertions on wording). */
export function viewText(view: { blocks: any[] } | undefined): string {
  const out: string[] = [];
  const walk = (x: any) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    for (const [k, v] of Object.entries(x)) {
      if (k === 'text' && typeof v === 'string') out.push(v);
      else walk(v);
    }
  };
  walk(view?.blocks ?? []);
  return out.join('\n');
}

/** action_ids of every element in a view. */
export function actionIds(view: { blocks: any[] }): string[] {
  const ids: string[] = [];
  for (const b of view.blocks) {
    if (b.accessory?.action_id) ids.push(b.accessory.action_id);
    for (const el of b.elements ?? []) if (el.action_id) ids.push(el.action_id);
    if (b.element?.action_id) ids.push(b.element.action_id);
  }
  return ids;
}
