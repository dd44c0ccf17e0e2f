import { toCommandError, type CommandError } from "./api";
import { session } from "./session.svelte";

/** What every keyset-paged command returns. */
export interface KeysetPage<T> {
  rows: T[];
  /** Given on the first page; later pages keep the first page's. */
  total?: number;
  next_cursor?: string;
}

/**
 * The rows of a keyset-paged list. `load()` asks for the first page,
 * `load(true)` for the next. When a newer load starts (the user typed more)
 * before an older one answered, the newer answer wins and the older is dropped.
 */
export class PagedList<T, P extends KeysetPage<T> = KeysetPage<T>> {
  rows: T[] = $state([]);
  total = $state(0);
  loading = $state(false);
  /** A first page has arrived (or the list was cleared on purpose). */
  loaded = $state(false);
  error: CommandError | null = $state(null);
  private cursor: string | undefined = $state(undefined);
  private generation = 0;

  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<P>,
    /** Anything else a page carries (counts, say), for the screen to keep. */
    private readonly onPage?: (page: P) => void,
  ) {}

  get hasMore(): boolean {
    return this.cursor !== undefined;
  }

  /** Empties the list without asking, e.g. when the core would refuse; an answer still on its way is dropped. */
  clear(): void {
    this.generation++;
    this.rows = [];
    this.total = 0;
    this.cursor = undefined;
    this.loading = false;
    this.loaded = true;
  }

  async load(more = false): Promise<void> {
    const mine = more ? this.generation : ++this.generation;
    this.loading = true;
    try {
      const page = await this.fetchPage(more ? this.cursor : undefined);
      if (mine !== this.generation) return;
      this.rows = more ? [...this.rows, ...page.rows] : page.rows;
      this.total = page.total ?? this.total;
      this.cursor = page.next_cursor;
      this.error = null;
      this.onPage?.(page);
    } catch (raw) {
      const e = toCommandError(raw);
      if (!session.handle(e)) this.error = e;
    } finally {
      if (mine === this.generation) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }
}
