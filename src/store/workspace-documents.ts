import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';
import type { WorkspaceSettings } from '../domain/workspace';

/**
 * How a workspace is stored. Secrets (the Slack installation, which carries the bot token, and the
 * UtilityAPI token and webhook secret) are sealed by src/store/secret-box.ts before they get here;
 * everything else is plain so it can be read, queried and debugged.
 */
export interface WorkspaceDocument {
  /** The Slack team id (`T…`), or SINGLE_WORKSPACE_ID for the env-configured workspace. */
  _id: string;
  teamName: string | null;
  botUserId: string | null;
  installerUserId: string | null;
  installedAt: Date | null;
  uninstalledAt: Date | null;
  /** Bolt's Installation as sealed JSON; null before an OAuth install and after an uninstall. */
  installation: string | null;
  /** What the workspace's admins chose; anything unset falls back to the env defaults. */
  settings: Partial<WorkspaceSettings>;
  utilityApi: StoredUtilityApiConnection | null;
  updatedAt: Date;
}

export interface StoredUtilityApiConnection {
  /** Sealed. */
  token: string;
  /** Sealed. */
  webhookSecret: string;
  webhookPath: string;
  connectedAt: Date;
}

/**
 * `webhookPath` → workspace. FerretDB 1.24 uses an index only for a filter that is exactly `{ _id }`,
 * and every UtilityAPI webhook looks its workspace up by path, so the lookup is an `_id` read here.
 */
export interface WebhookPathDocument {
  _id: string;
  workspaceId: string;
  createdAt: Date;
}

// Untyped definitions, explicit interfaces: see models.ts on mongoose inference and tsc memory.
const definition = (fields: Record<string, unknown>) => fields as SchemaDefinition;

const workspaceSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    teamName: String,
    installerUserId: String,
    botUserId: String,
    installedAt: Date,
    uninstalledAt: Date,
    installation: String,
    settings: Schema.Types.Mixed,
    utilityApi: Schema.Types.Mixed,
    updatedAt: Date,
  }),
  // No schema defaults: every write says what a new document holds ($setOnInsert), so mongoose's
  // defaults-on-upsert cannot collide with a `settings.<field>` update. minimize: false keeps `{}`.
  { collection: 'workspaces', versionKey: false, minimize: false },
);
// listActive on MongoDB; on FerretDB a scan of one small document per installation.
workspaceSchema.index({ uninstalledAt: 1, installedAt: 1 });

const webhookPathSchema = new Schema(
  definition({
    _id: { type: String, required: true },
    workspaceId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  }),
  { collection: 'workspace_webhook_paths', versionKey: false },
);

export function workspaceModels(connection: Connection) {
  // Cast through unknown: mongoose's model type inference is what tsc cannot afford (see models.ts).
  const model = (name: string, schema: Schema): unknown =>
    connection.models[name] ?? connection.model(name, schema);
  const models = {
    Workspace: model('Workspace', workspaceSchema) as Model<WorkspaceDocument>,
    WebhookPath: model('WorkspaceWebhookPath', webhookPathSchema) as Model<WebhookPathDocument>,
  };
  return {
    ...models,
    /** Creates the collections and indexes; call once at startup. */
    async ensureIndexes(): Promise<void> {
      for (const m of Object.values(models) as unknown as {
        createCollection(): Promise<unknown>;
        createIndexes(): Promise<unknown>;
      }[]) {
        await m.createCollection().catch((err: { code?: number }) => {
          if (err.code !== 48) throw err; // 48: NamespaceExists
        });
        await m.createIndexes();
      }
    },
  };
}
