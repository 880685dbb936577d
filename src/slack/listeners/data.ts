import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { exportMine, exportWorkspaceToFile, type ExportFormat } from '../../core/data-access';
import { erasePerson } from '../../core/erasure';
import { deleteAllData, DELETE_ALL_PHRASE } from '../../core/workspaces';
import { SlackCallError } from '../api';
import { NOT_ADMIN_TEXT } from '../blocks/admin-modal-kit';
import { DATA_BLOCK, DATA_CALLBACK, dataResultModal, deleteAllModal, erasePersonModal, eraseSelfModal, exportModal } from '../blocks/data';
import { HOME_ACTION } from '../blocks/home-kit';
import type { SlackContext } from '../context';
import { sendFilesToPerson } from '../files';
import { contextOf } from '../workspaces';
import { adminButton } from './admin-button';

type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
type State = Record<string, Record<string, { value?: string | null; selected_user?: string | null; selected_date?: string | null; selected_option?: { value: string } | null; selected_options?: Array<{ value: string }> }>>;

const field = (view: ViewSubmitAction['view'], block: string) => (view.state?.values as State | undefined)?.[block]?.value;
const confirmed = (view: ViewSubmitAction['view']) => (field(view, DATA_BLOCK.confirm)?.selected_options ?? []).some((o) => o.value === 'yes');
const CONFIRM_ERROR = { response_action: 'errors', errors: { [DATA_BLOCK.confirm]: 'Tick this to confirm.' } } as const;

/**
 * People's data from the App Home: download my kudos, erase my data (everyone), export a date range and erase
 * a person (admins, checked on the server for every button and every submission). The files go to the
 * person's DM; every export and erasure is in the audit log (src/core/data-access.ts, src/core/erasure.ts).
 */
export function register(app: App): void {
  app.action<BlockAction<ButtonAction>>(HOME_ACTION.downloadMine, async ({ ack, body, context }) => {
    await ack();
    const ctx = contextOf(context);
    const userId = body.user.id;
    ctx.background.run('download my kudos', async () => {
      const done = await sendMine(ctx, userId);
      await ctx.home.publish(userId, done ? { kind: 'ok', text: "I've sent your kudos to our DM, as CSV and JSON files." } : { kind: 'warn', text: "I couldn't send your kudos just now. Please try again in a minute." });
    });
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTION.eraseMine, async ({ ack, body, context }) => {
    await ack();
    await openModal(contextOf(context), body.trigger_id, eraseSelfModal());
  });

  app.view<ViewSubmitAction>(DATA_CALLBACK.eraseSelf, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    if (!confirmed(view)) return ack(CONFIRM_ERROR);
    // Whoever Slack says submitted the form is who is erased: nothing in the form can name anyone else.
    const me = body.user.id;
    const out = await erasePerson(ctx.core(), ctx.workspace(), { externalId: me }, { kind: 'self', externalId: me });
    const text =
      out.status === 'erased' || out.status === 'already_erased'
        ? 'Done: Kudos has forgotten you. Your name and messages are gone, and you will get no more DMs from Kudos.'
        : out.status === 'not_found'
          ? 'Kudos has nothing about you to erase.'
          : 'That could not be done.';
    await ack({ response_action: 'update', view: dataResultModal('Erase my data', text) });
  });

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.exportWorkspace,
    adminButton<BlockAction<ButtonAction>>('open export', async (ctx, body) => {
      const now = ctx.clock();
      const day = (d: Date) => d.toISOString().slice(0, 10);
      await ctx.api.call('views.open', { trigger_id: body.trigger_id, view: exportModal(day(now), day(new Date(now.getTime() - 365 * 24 * 60 * 60_000))) });
    }),
  );

  app.view<ViewSubmitAction>(DATA_CALLBACK.exportWorkspace, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const userId = body.user.id;
    const check = await ctx.home.checkAdmin(userId);
    const request = {
      fromDay: field(view, DATA_BLOCK.from)?.selected_date ?? '',
      toDay: field(view, DATA_BLOCK.to)?.selected_date ?? '',
      format: (field(view, DATA_BLOCK.format)?.selected_option?.value === 'json' ? 'json' : 'csv') as ExportFormat,
    };
    const path = join(tmpdir(), `kudos-export-${randomBytes(8).toString('hex')}.${request.format}`);
    const out = await exportWorkspaceToFile(ctx.db, ctx.workspace(), check, request, path);
    if (out.status === 'not_allowed') {
      ctx.logger.warn({ user: userId, action: 'export' }, 'refused an admin action from someone who is not an admin');
      return ack({ response_action: 'update', view: dataResultModal('Export kudos', NOT_ADMIN_TEXT) });
    }
    if (out.status === 'bad_range') return ack({ response_action: 'errors', errors: { [DATA_BLOCK.to]: out.problem } });
    await ack({ response_action: 'update', view: dataResultModal('Export kudos', "The export is on its way to our DM. It may take a minute for a long range.") });
    ctx.background.run('send export', async () => {
      try {
        const { size } = await stat(path);
        const name = `kudos-${request.fromDay}-to-${request.toDay}.${request.format}`;
        await sendFilesToPerson(ctx.api, userId, [{ filename: name, title: name, content: { path, size } }], `Kudos from ${request.fromDay} to ${request.toDay} (UTC).`);
      } catch (err) {
        ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not send an export');
        await ctx.home.publish(userId, { kind: 'warn', text: "I couldn't send the export to our DM. Please try again." });
      } finally {
        await rm(path, { force: true });
      }
    });
  });

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.erasePerson,
    adminButton<BlockAction<ButtonAction>>('open erase', (ctx, body) => ctx.api.call('views.open', { trigger_id: body.trigger_id, view: erasePersonModal() })),
  );

  app.view<ViewSubmitAction>(DATA_CALLBACK.erasePerson, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const target = field(view, DATA_BLOCK.person)?.selected_user ?? '';
    if (!target) return ack({ response_action: 'errors', errors: { [DATA_BLOCK.person]: 'Choose a person.' } });
    if (!confirmed(view)) return ack(CONFIRM_ERROR);
    // The server's own admin check; a refusal is audited by the use case.
    const check = await ctx.home.checkAdmin(body.user.id);
    const out = await erasePerson(ctx.core(), ctx.workspace(), { externalId: target }, { kind: 'admin', check });
    const text =
      out.status === 'erased'
        ? `Erased. Their name and messages are gone; ${out.kudosUpdated} post${out.kudosUpdated === 1 ? '' : 's'} updated${out.updateFailures ? ` (${out.updateFailures} could not be)` : ''}.`
        : out.status === 'already_erased'
          ? 'This person was erased already: nothing changed.'
          : out.status === 'not_found'
            ? 'Kudos has nothing about this person.'
            : NOT_ADMIN_TEXT;
    if (out.status === 'not_allowed') ctx.logger.warn({ user: body.user.id, action: 'erase' }, 'refused an admin action from someone who is not an admin');
    await ack({ response_action: 'update', view: dataResultModal('Erase a person', text) });
  });

  app.action<BlockAction<ButtonAction>>(
    HOME_ACTION.deleteAll,
    adminButton<BlockAction<ButtonAction>>('open delete all', (ctx, body) => ctx.api.call('views.open', { trigger_id: body.trigger_id, view: deleteAllModal() })),
  );

  app.view<ViewSubmitAction>(DATA_CALLBACK.deleteAll, async ({ ack, body, view, context }: ViewArgs) => {
    const ctx = contextOf(context);
    const userId = body.user.id;
    // The server's own admin check; a refusal is audited by the use case.
    const check = await ctx.home.checkAdmin(userId);
    const out = await deleteAllData(ctx.db, ctx.workspace(), check, field(view, DATA_BLOCK.phrase)?.value ?? '');
    if (out.status === 'not_confirmed') return ack({ response_action: 'errors', errors: { [DATA_BLOCK.phrase]: `Type "${DELETE_ALL_PHRASE}" to confirm. Nothing was deleted.` } });
    if (out.status === 'not_allowed') {
      ctx.logger.warn({ user: userId, action: 'delete all' }, 'refused an admin action from someone who is not an admin');
      return ack({ response_action: 'update', view: dataResultModal('Delete all data', NOT_ADMIN_TEXT) });
    }
    ctx.logger.info({ workspace: ctx.workspace().id, kudos: out.kudos, people: out.people }, 'all data of a workspace deleted by an admin');
    await ack({
      response_action: 'update',
      view: dataResultModal(
        'Delete all data',
        `Done: ${out.kudos} kudos and ${out.people} ${out.people === 1 ? 'person' : 'people'} deleted, with every setting and log. Kudos starts over here with the default values.`,
      ),
    });
    await ctx.home.publish(userId);
  });
}

/** Sends a person their own kudos (CSV and JSON) in our DM; false when it could not. */
async function sendMine(ctx: SlackContext, userId: string): Promise<boolean> {
  try {
    const out = await exportMine(ctx.core(), ctx.workspace(), userId);
    if (out.status !== 'ok') return false;
    await sendFilesToPerson(
      ctx.api,
      userId,
      [
        { filename: 'my-kudos.csv', title: 'My kudos (CSV)', content: out.csv },
        { filename: 'my-kudos.json', title: 'My kudos (JSON)', content: out.json },
      ],
      `Here are the ${out.kudos} kudos you gave or received.`,
    );
    return true;
  } catch (err) {
    ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not send a person their kudos');
    return false;
  }
}

async function openModal(ctx: SlackContext, triggerId: string, view: unknown): Promise<void> {
  try {
    await ctx.api.call('views.open', { trigger_id: triggerId, view });
  } catch (err) {
    ctx.logger.warn({ code: err instanceof SlackCallError ? err.code : String(err) }, 'could not open a data form');
  }
}
