import { DELETE_ALL_PHRASE } from '../../core/workspaces';
import type { KnownBlock, ModalView } from '../types';
import { context, input, modal, plain, radio, section } from './admin-modal-kit';
import { button, HOME_ACTION } from './home-kit';

/**
 * "Your data" on everyone's App Home and "Data" on the admin part, and their forms: download my kudos, erase my
 * data, export the ledger for a date range, erase a person. Pure renderers; the listeners are in
 * ../listeners/data.ts and the use cases in src/core (export, erasure).
 */

export const DATA_CALLBACK = Object.freeze({
  eraseSelf: 'data_erase_self',
  erasePerson: 'data_erase_person',
  exportWorkspace: 'data_export_workspace',
  deleteAll: 'data_delete_all',
});

export const DATA_BLOCK = Object.freeze({ person: 'erase_person', confirm: 'erase_confirm', from: 'export_from', to: 'export_to', format: 'export_format', phrase: 'delete_all_phrase' });

const actions = (elements: unknown[]): KnownBlock => ({ type: 'actions', elements }) as unknown as KnownBlock;

/** At the end of everyone's Home. */
export function personDataBlocks(): KnownBlock[] {
  return [
    section('*Your data*\nGet every kudos you gave or received as a file in our DM (CSV for spreadsheets, JSON for machines), or have Kudos forget you.'),
    actions([button('Download my kudos', HOME_ACTION.downloadMine, 'mine'), button('Erase my data…', HOME_ACTION.eraseMine, 'mine', { style: 'danger' })]),
  ];
}

/** In the admin part of the Home. */
export function adminDataBlocks(): KnownBlock[] {
  return [
    section('*Data*\nExport the kudos of a date range as a file in your DM, or erase a person: their name and messages are removed, and every count stays as it was. Both are recorded in the audit log.'),
    actions([
      button('Export kudos…', HOME_ACTION.exportWorkspace, 'export'),
      button('Erase a person…', HOME_ACTION.erasePerson, 'erase', { style: 'danger' }),
      button('Delete all data…', HOME_ACTION.deleteAll, 'delete_all', { style: 'danger' }),
    ]),
  ];
}

const CONFIRM_OPTION = { text: plain('I understand this cannot be undone'), value: 'yes' };

function confirmInput(): KnownBlock {
  return input(DATA_BLOCK.confirm, 'Confirm', { type: 'checkboxes', options: [CONFIRM_OPTION] });
}

/** "Erase my data…": what happens, and a confirmation. */
export function eraseSelfModal(): ModalView {
  return modal({
    callbackId: DATA_CALLBACK.eraseSelf,
    title: 'Erase my data',
    submit: 'Erase',
    blocks: [
      section(
        'Kudos will forget you:\n• your name and profile are removed\n• the messages you wrote are replaced with "(message removed)"\n• kudos you received no longer name you\n• you get no more DMs from Kudos, and you are never ranked',
      ),
      context('Counts stay as they were, so your team\'s totals still add up. Posts in channels are updated where Slack allows. Download your kudos first if you want to keep them.'),
      confirmInput(),
    ],
  });
}

/** "Erase a person…" for admins. */
export function erasePersonModal(): ModalView {
  return modal({
    callbackId: DATA_CALLBACK.erasePerson,
    title: 'Erase a person',
    submit: 'Erase',
    blocks: [
      input(DATA_BLOCK.person, 'Person', { type: 'users_select', placeholder: plain('Choose a person') }),
      context('Their name and profile are removed, the messages they wrote are replaced, kudos they received no longer name them, and they get no more DMs. Counts stay as they were. This is recorded in the audit log.'),
      confirmInput(),
    ],
  });
}

/** "Export kudos…" for admins: a date range (inclusive) and a format. */
export function exportModal(today: string, yearAgo: string): ModalView {
  return modal({
    callbackId: DATA_CALLBACK.exportWorkspace,
    title: 'Export kudos',
    submit: 'Export',
    blocks: [
      input(DATA_BLOCK.from, 'From', { type: 'datepicker', initial_date: yearAgo }),
      input(DATA_BLOCK.to, 'To (included)', { type: 'datepicker', initial_date: today }),
      input(DATA_BLOCK.format, 'Format', radio([['csv', 'CSV (spreadsheets)'], ['json', 'JSON (machines)']], 'csv')),
      context('The file comes to your DM with Kudos. Dates are in UTC. The export is recorded in the audit log.'),
    ],
  });
}

/** "Delete all data…" for admins: what goes, what stays, and the phrase to type. */
export function deleteAllModal(): ModalView {
  return modal({
    callbackId: DATA_CALLBACK.deleteAll,
    title: 'Delete all data',
    submit: 'Delete everything',
    blocks: [
      section(
        "Kudos will delete everything it keeps about this workspace: every kudos and message, everyone's name and preferences, the values, the settings, the admins you added, the audit log and the scheduled posts.",
      ),
      context(
        'Kudos stays installed and starts over as if it had just been added, with the default values. Posts already in channels stay in Slack. Export the kudos first if you want to keep them. To remove Kudos itself, uninstall the app.',
      ),
      input(DATA_BLOCK.phrase, `Type "${DELETE_ALL_PHRASE}" to confirm`, { type: 'plain_text_input', placeholder: plain(DELETE_ALL_PHRASE), max_length: 50 }),
    ],
  });
}

/** A modal saying how it went (replaces the form). */
export function dataResultModal(title: string, text: string): ModalView {
  return modal({ callbackId: 'data_result', title, submit: null, close: 'Close', blocks: [section(text)] });
}
