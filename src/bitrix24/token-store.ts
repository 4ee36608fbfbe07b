import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { lock } from 'proper-lockfile';

/** OAuth credentials of one portal (tenant), keyed by the portal's stable `member_id`. */
export interface OAuthTokens {
  memberId: string;
  accessToken: string;
  /** Rotates on every refresh: the new one must replace the old one durably. */
  refreshToken: string;
  /** Epoch ms the access token expires (informational: refresh happens on `expired_token`, not by clock). */
  expiresAt: number;
  /** REST base for calls, e.g. `https://portal.bitrix24.com/rest/`. */
  clientEndpoint: string;
  /** OAuth server REST base from the token payload, e.g. `https://oauth.bitrix.info/rest/`. */
  serverEndpoint?: string;
  scope?: string;
  /**
   * What Bitrix24 sends as `auth[application_token]` with every event of this installation. It first arrives with
   * ONAPPINSTALL and is kept beside the tokens, so the bridge can check events against it (Bitrix24's docs: store it
   * per member_id, compare on every later event).
   */
  applicationToken?: string;
}

/** Pluggable persistence of tenants' tokens. */
export interface TokenStore {
  load(memberId: string): Promise<OAuthTokens | undefined>;
  save(tokens: OAuthTokens): Promise<void>;
  /** Forgets a tenant (the application was uninstalled there); nothing happens when none is stored. */
  remove(memberId: string): Promise<void>;
  /**
   * Runs `work` (load, refresh, save) while no other user of the same storage refreshes: a refresh token is good
   * for one refresh only, so two processes refreshing with it at once would lock one of them out.
   */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
}

export class InMemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, OAuthTokens>();

  constructor(initial: readonly OAuthTokens[] = []) {
    for (const tokens of initial) this.tokens.set(tokens.memberId, { ...tokens });
  }

  load(memberId: string): Promise<OAuthTokens | undefined> {
    const tokens = this.tokens.get(memberId);
    return Promise.resolve(tokens === undefined ? undefined : { ...tokens });
  }

  save(tokens: OAuthTokens): Promise<void> {
    this.tokens.set(tokens.memberId, { ...tokens });
    return Promise.resolve();
  }

  remove(memberId: string): Promise<void> {
    this.tokens.delete(memberId);
    return Promise.resolve();
  }

  /** One process holds it: the OAuth auth already shares one refresh between concurrent calls. */
  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}

type TokenFile = Record<string, OAuthTokens>;

/** A holder that stopped updating its lock for this long has died; a refresh takes well under it. */
const LOCK_STALE_MS = 20_000;
/** Waits up to about the stale time for another process's refresh. */
const LOCK_RETRIES = { retries: 40, minTimeout: 50, maxTimeout: 1000 };

/**
 * Tokens of all tenants in one JSON file (`{ [memberId]: tokens }`), written atomically via rename so a
 * crash never leaves a half-written file (a lost rotated refresh token locks the app out of the portal).
 * Writes within this process are serialised; processes sharing the file (worker and bridge on one volume) refresh
 * one at a time under a lock file next to it (`<file>.lock`, taken over when its holder died).
 */
export class JsonFileTokenStore implements TokenStore {
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  async load(memberId: string): Promise<OAuthTokens | undefined> {
    const file = await this.readAll();
    return file[memberId];
  }

  save(tokens: OAuthTokens): Promise<void> {
    return this.rewrite((file) => {
      file[tokens.memberId] = { ...tokens };
    });
  }

  remove(memberId: string): Promise<void> {
    return this.rewrite((file) => {
      delete file[memberId];
    });
  }

  async exclusively<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const release = await lock(this.path, { realpath: false, stale: LOCK_STALE_MS, retries: LOCK_RETRIES });
    try {
      return await work();
    } finally {
      await release();
    }
  }

  private rewrite(change: (file: TokenFile) => void): Promise<void> {
    const write = this.writes.then(async () => {
      const file = await this.readAll();
      change(file);
      await mkdir(dirname(this.path), { recursive: true });
      // Not the pid: processes in different containers sharing the volume often have the same one.
      const temporary = `${this.path}.${randomUUID()}.tmp`;
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      await rename(temporary, this.path);
    });
    this.writes = write.catch(() => undefined);
    return write;
  }

  private async readAll(): Promise<TokenFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The parser's message quotes the text around the error, and the text is tokens.
      throw new Error(`token file ${this.path}: is not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`token file ${this.path}: expected a JSON object keyed by member_id`);
    }
    return parsed as TokenFile;
  }
}
