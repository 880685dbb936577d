import type { HomeData } from '../../core/home';
import type { HomeView, KnownBlock } from '../types';
import { adminBlocks, type AdminHome } from './home-admin';
import { context, HOME_BLOCK, HOME_LIMITS, section } from './home-kit';
import { personalBlocks } from './home-person';

/**
 * The App Home tab as one page: a notice (what just happened), everyone's own appreciation (home-person.ts),
 * and for admins the whole configuration (home-admin.ts). Pure: data in, Block Kit out. Every list is cut
 * ("and N more") and every free text truncated by the parts; fitHome makes sure of the block count whatever
 * the data holds.
 */

export interface HomeNotice {
  kind: 'ok' | 'warn' | 'info';
  text: string;
}

export interface HomeInput {
  home: HomeData;
  admin: AdminHome | null;
  notice?: HomeNotice | null;
}

export function homeView(input: HomeInput): HomeView {
  const blocks = [...noticeBlocks(input.notice), ...personalBlocks(input.home), ...(input.admin ? adminBlocks(input.admin) : [])];
  return { type: 'home', callback_id: 'kudos_home', blocks: fitHome(blocks) };
}

function noticeBlocks(notice: HomeNotice | null | undefined): KnownBlock[] {
  if (!notice) return [];
  const icon = notice.kind === 'ok' ? ':white_check_mark:' : notice.kind === 'warn' ? ':warning:' : ':information_source:';
  return [section(`${icon} ${notice.text}`, undefined, HOME_BLOCK.notice)];
}

/** Keeps the Home within Slack's 100 blocks: the audit log's last sections go first, then other trailing blocks. */
export function fitHome(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= HOME_LIMITS.blocks) return blocks;
  const out = blocks.slice(0, HOME_LIMITS.blocks - 1);
  out.push(context('Some of this page was left out to stay within what Slack can show.'));
  return out;
}
