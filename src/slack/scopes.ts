/**
 * The bot scopes Kudos asks for when it is installed, in the order of manifests/slack/manifest.yaml
 * (oauth_config.scopes.bot), where each one says what it is for. "Add to Slack" requests exactly these; the
 * manifest test keeps the two lists equal.
 */
export const BOT_SCOPES: readonly string[] = Object.freeze([
  'commands',
  'chat:write',
  'chat:write.public',
  'reactions:read',
  'users:read',
  'channels:join',
  'im:write',
  'files:write',
  'channels:history',
  'groups:history',
  'channels:read',
  'usergroups:read',
]);
