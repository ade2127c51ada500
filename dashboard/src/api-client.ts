/** The REST API (DESIGN.md section 8), as the dashboard reads it: same origin, JSON. */
import type {
  EventPage,
  MatchDetail,
  MatchListItem,
  MatchSummary,
  PlayerCareer,
  RoundItem,
  StoredEvent,
} from './wire.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
  ) {
    super(`GET ${path} answered ${status}`);
    this.name = 'ApiRequestError';
  }
}

const matchPath = (matchId: string) => `/v1/matches/${encodeURIComponent(matchId)}`;

/** Stops paging a type of event past this many (a whole match has a few thousand kills and hits). */
const MAX_EVENTS_PER_TYPE = 50_000;

/**
 * The read token the page was opened with (`http://host:8080/?token=…`), which a runtime started
 * with `GEQO_READ_TOKEN` asks of every REST read; `null` when there is none.
 */
export function pageReadToken(search: string | undefined = globalThis.location?.search): string | null {
  const token = new URLSearchParams(search ?? '').get('token');
  return token === null || token === '' ? null : token;
}

/** REST calls; `baseUrl` is empty for the page's own origin (`geqo up`), the API's URL on AWS. */
export class ApiClient {
  constructor(
    private readonly baseUrl = '',
    private readonly readToken: string | null = pageReadToken(),
  ) {}

  private async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.readToken !== null) headers.Authorization = `Bearer ${this.readToken}`;
    const response = await fetch(`${this.baseUrl}${path}`, { headers, signal });
    if (!response.ok) throw new ApiRequestError(response.status, path);
    return (await response.json()) as T;
  }

  async matches(signal?: AbortSignal): Promise<MatchListItem[]> {
    return (await this.getJson<{ matches: MatchListItem[] }>('/v1/matches?limit=200', signal)).matches;
  }

  match(matchId: string, signal?: AbortSignal): Promise<MatchDetail> {
    return this.getJson<MatchDetail>(matchPath(matchId), signal);
  }

  async rounds(matchId: string, signal?: AbortSignal): Promise<RoundItem[]> {
    return (await this.getJson<{ rounds: RoundItem[] }>(`${matchPath(matchId)}/rounds`, signal)).rounds;
  }

  /**
   * The MatchSummary, or null where the platform does not offer it (an older runtime: 404 on the
   * route; an API without a read side: 501). The dashboard then counts from events itself.
   */
  async summary(matchId: string, signal?: AbortSignal): Promise<MatchSummary | null> {
    try {
      return await this.getJson<MatchSummary>(`${matchPath(matchId)}/summary`, signal);
    } catch (error) {
      if (error instanceof ApiRequestError) return null;
      throw error;
    }
  }

  /**
   * Names of the radar images the operator placed (`de_nuke.png`, …), or null where the site does
   * not list them (a static bucket on AWS: the page then tries the image itself).
   */
  async radarImages(signal?: AbortSignal): Promise<string[] | null> {
    try {
      return (await this.getJson<{ images: string[] }>('/radar/index.json', signal)).images;
    } catch (error) {
      if (error instanceof ApiRequestError || error instanceof SyntaxError) return null;
      throw error;
    }
  }

  /** A player's career, or null for a player no stored match has. */
  async player(steamId: string, signal?: AbortSignal): Promise<PlayerCareer | null> {
    try {
      return await this.getJson<PlayerCareer>(`/v1/players/${encodeURIComponent(steamId)}`, signal);
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return null;
      throw error;
    }
  }

  /** Every stored event of one type, in order, page by page. */
  events(matchId: string, type: string, signal?: AbortSignal): Promise<StoredEvent[]> {
    return this.pages(matchId, { type }, signal);
  }

  /** Every stored event of one round (all types, positions included), in order. */
  roundEvents(matchId: string, round: number, signal?: AbortSignal): Promise<StoredEvent[]> {
    return this.pages(matchId, { round: String(round) }, signal);
  }

  private async pages(
    matchId: string,
    filter: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let after: string | null = null;
    do {
      const query = new URLSearchParams({ ...filter, limit: '10000' });
      if (after) query.set('after', after);
      const page: EventPage = await this.getJson<EventPage>(`${matchPath(matchId)}/events?${query}`, signal);
      events.push(...page.events);
      after = page.next;
    } while (after && events.length < MAX_EVENTS_PER_TYPE);
    return events;
  }
}
