import { createReadStream } from 'node:fs';
import type { SlackApi } from './api';

/** A file for a person: its bytes in memory, or a file on disk (a large export) with its size. */
export interface OutgoingFile {
  filename: string;
  title: string;
  content: Buffer | { path: string; size: number };
}

/**
 * Sends files to a person privately, in their DM with the bot, the way Slack wants files uploaded now
 * (files.uploadV2's steps): conversations.open for the DM, one upload URL per file, the bytes, then one
 * files.completeUploadExternal sharing them all into the DM with a comment.
 */
export async function sendFilesToPerson(api: SlackApi, userId: string, files: readonly OutgoingFile[], comment: string): Promise<void> {
  const dm = await api.call<{ ok: boolean; channel?: { id?: string } }>('conversations.open', { users: userId });
  const channelId = dm.channel?.id;
  if (!channelId) throw new Error('conversations.open gave no channel');
  const uploaded: Array<{ id: string; title: string }> = [];
  for (const f of files) {
    const length = Buffer.isBuffer(f.content) ? f.content.length : f.content.size;
    const slot = await api.call<{ ok: boolean; upload_url?: string; file_id?: string }>('files.getUploadURLExternal', { filename: f.filename, length });
    if (!slot.upload_url || !slot.file_id) throw new Error('files.getUploadURLExternal gave no upload URL');
    const body = Buffer.isBuffer(f.content) ? f.content : createReadStream(f.content.path);
    await api.uploadTo(slot.upload_url, body, length);
    uploaded.push({ id: slot.file_id, title: f.title });
  }
  await api.call('files.completeUploadExternal', { files: uploaded, channel_id: channelId, initial_comment: comment });
}
