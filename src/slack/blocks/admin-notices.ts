import type { KnownBlock, ModalView } from '../types';
import { CALLBACK, context, modal, MODAL_LIMITS, section } from './admin-modal-kit';

/** Read-only modals for admins: the digest preview, and a plain notice (a refusal, a limit reached). */

export function digestPreviewModal(args: { intro: string; blocks: KnownBlock[] }): ModalView {
  // Buttons in the preview would act on a message that does not exist yet: shown, not offered.
  const body = args.blocks.map((b): KnownBlock => (b.type === 'actions' ? context('_The message has a *Give kudos* button here._') : b));
  const divider: KnownBlock = { type: 'divider' };
  return modal({
    callbackId: CALLBACK.digestPreview,
    title: 'Digest preview',
    submit: null,
    close: 'Close',
    blocks: [context(args.intro), divider, ...body].slice(0, MODAL_LIMITS.blocks),
  });
}

export function noticeModal(title: string, text: string): ModalView {
  return modal({ callbackId: CALLBACK.notice, title, submit: null, close: 'Close', blocks: [section(text)] });
}
