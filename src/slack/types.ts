import type { types, webApi } from '@slack/bolt';

/** Block Kit and Web API types, through Bolt's own re-exports so they always match its version. */
export type KnownBlock = types.KnownBlock;
export type View = types.View;
export type ModalView = types.ModalView;
export type HomeView = types.HomeView;
export type PlainTextOption = types.PlainTextOption;
export type WebAPICallResult = webApi.WebAPICallResult;
