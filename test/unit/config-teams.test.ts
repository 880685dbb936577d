import { loadConfig } from '../../src/config';
import { configFailure } from '../helpers/config';

/** MICROSOFT_APP_TYPE: SingleTenant by default (Azure creates no new multi-tenant bots), MultiTenant still accepted. */

const APP = { MICROSOFT_APP_ID: '8d7c6b5a-1234-4e5f-9a8b-0c1d2e3f4a5b', MICROSOFT_APP_PASSWORD: 'not-a-real-secret' };
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('Teams app type', () => {
  it('defaults to SingleTenant with the tenant id given', () => {
    const teams = loadConfig({ ...APP, MICROSOFT_APP_TENANT_ID: TENANT }).teams;
    expect(teams).toMatchObject({ appId: APP.MICROSOFT_APP_ID, appType: 'SingleTenant', tenantId: TENANT });
  });

  it('refuses the default without a tenant id, naming MICROSOFT_APP_TENANT_ID and the MultiTenant way out', () => {
    const message = configFailure({ ...APP });
    expect(message).toContain('MICROSOFT_APP_TENANT_ID');
    expect(message).toContain('SingleTenant');
    expect(message).toContain('MICROSOFT_APP_TYPE=MultiTenant');
  });

  it('refuses SingleTenant and UserAssignedMsi without a tenant id', () => {
    expect(configFailure({ ...APP, MICROSOFT_APP_TYPE: 'SingleTenant' })).toContain('MICROSOFT_APP_TENANT_ID');
    expect(configFailure({ MICROSOFT_APP_ID: APP.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'UserAssignedMsi' })).toContain('MICROSOFT_APP_TENANT_ID');
  });

  it('accepts a user-assigned managed identity without a password', () => {
    const teams = loadConfig({ MICROSOFT_APP_ID: APP.MICROSOFT_APP_ID, MICROSOFT_APP_TYPE: 'UserAssignedMsi', MICROSOFT_APP_TENANT_ID: TENANT }).teams;
    expect(teams).toMatchObject({ appType: 'UserAssignedMsi', appPassword: undefined, tenantId: TENANT });
  });

  it('keeps MultiTenant for bots registered before, without a tenant id', () => {
    expect(loadConfig({ ...APP, MICROSOFT_APP_TYPE: 'MultiTenant' }).teams).toMatchObject({ appType: 'MultiTenant', tenantId: undefined });
  });

  it('asks for no tenant id when Teams is off or unauthenticated without an app id', () => {
    expect(loadConfig({}).teams).toBeUndefined();
    expect(loadConfig({ MICROSOFT_APP_TYPE: 'SingleTenant' }).teams).toBeUndefined();
    expect(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }).teams).toMatchObject({ allowUnauthenticated: true });
  });
});
