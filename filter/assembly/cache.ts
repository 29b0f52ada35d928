// The header set and the callout lease live in proxy-wasm shared data, so every worker VM (and
// every request) sees the newest fetch, and so that workers can agree on who calls out.
//
// Encoding of the headers key (UTF-8 text, '\n'-separated lines):
//   line 0: "v1 <fetched_at_ms> <expires_at_ms> <count>"
//   then <count> lines "<name>:<value>" (names are lowercase tokens, values contain no CR/LF/NUL,
//   both validated before storing, so the first ':' always separates name and value).
// The lease key holds the decimal host time (ms) at which the next callout is due.
import { sharedGet, sharedSet, sharedGetString, sharedGetRaw, RESULT_OK, RESULT_NOT_FOUND } from "./shared";
import { free } from "@solo-io/proxy-runtime/malloc";
import { get_current_time_nanoseconds } from "@solo-io/proxy-runtime/runtime";
import { IS_NO_COORDINATION } from "./variant.generated";

export function nowMs(): i64 {
  return <i64>(get_current_time_nanoseconds() / 1000000);
}

export class HeaderSet {
  fetchedAt: i64 = 0;
  expiresAt: i64 = 0;
  names: string[] = [];
  values: string[] = [];
  // UTF-8 of names[i] and values[i] at 2i and 2i+1 (encodeBufs), so requests need not encode them.
  bufs: ArrayBuffer[] = [];

  encodeBufs(): void {
    for (let i = 0; i < this.names.length; i++) {
      this.bufs.push(String.UTF8.encode(this.names[i]));
      this.bufs.push(String.UTF8.encode(this.values[i]));
    }
  }
}

export function encodeHeaderSet(s: HeaderSet): string {
  let out = "v1 " + s.fetchedAt.toString() + " " + s.expiresAt.toString() + " " + s.names.length.toString() + "\n";
  for (let i = 0; i < s.names.length; i++) out += s.names[i] + ":" + s.values[i] + "\n";
  return out;
}

// Returns null when the key is absent or does not decode (treated as never fetched).
export function readHeaderSet(key: string): HeaderSet | null {
  const v = sharedGet(key);
  if (v.result != RESULT_OK) return null;
  return decodeHeaderSet(sharedGetString(v));
}

function decodeHeaderSet(text: string): HeaderSet | null {
  const lines = text.split("\n");
  const head = lines[0].split(" ");
  if (head.length != 4 || head[0] != "v1") return null;
  const s = new HeaderSet();
  s.fetchedAt = I64.parseInt(head[1]);
  s.expiresAt = I64.parseInt(head[2]);
  // Same value as I32.parseInt (wrapping arithmetic), without a second strtol instance.
  const n = <i32>I64.parseInt(head[3]);
  if (lines.length < n + 1) return null;
  for (let i = 1; i <= n; i++) {
    const line = lines[i];
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    s.names.push(line.substring(0, colon));
    s.values.push(line.substring(colon + 1));
  }
  return s;
}

// The headers key of one root context, read on every request (another VM may have refreshed it),
// decoded only when its CAS changed: the host gives every write of any key a new CAS, so the same
// CAS means the same bytes, and the set decoded from them (null when they do not decode) is reused.
export class HeaderSetReader {
  private key: ArrayBuffer;
  private decoded: bool = false;
  private cas: u32 = 0;
  private set: HeaderSet | null = null;

  constructor(key: string) {
    this.key = String.UTF8.encode(key);
  }

  // Same result as readHeaderSet(key), with names and values encoded (bufs).
  read(): HeaderSet | null {
    const r = sharedGetRaw(this.key);
    let s: HeaderSet | null = null;
    if (r.result == RESULT_OK) {
      if (!this.decoded || r.cas != this.cas) {
        const d = decodeHeaderSet(String.UTF8.decodeUnsafe(r.ptr, <usize>r.len));
        if (d !== null) d.encodeBufs();
        this.set = d;
        this.cas = r.cas;
        this.decoded = true;
      }
      s = this.set;
    }
    if (r.ptr != 0) free(r.ptr);
    return s;
  }
}

export function writeHeaderSet(key: string, s: HeaderSet): u32 {
  // Unconditional write: only the lease holder fetches, and a newer fetch always wins anyway.
  return sharedSet(key, encodeHeaderSet(s), 0);
}

// Creates the lease (due immediately) if it does not exist yet. Called from onConfigure, which
// Envoy runs first in a canary VM on the main thread before any worker VM exists: creating the key
// there avoids the race where two workers both see "not found" (a set with cas 0 on a missing key
// always succeeds, so creation itself cannot be arbitrated by CAS).
export function initLease(key: string): void {
  const v = sharedGet(key);
  if (v.result == RESULT_NOT_FOUND) sharedSet(key, "0", 0);
}

// True when this VM won the right to call out now. The lease value is the due time; the winner
// moves it to now + period with the CAS it read, so of all VMs ticking in the same period exactly
// one succeeds (the others get CasMismatch or see a due time in the future). A callout that times
// out needs no cleanup: the lease simply comes due again one period later.
export function tryAcquireLease(key: string, now: i64, periodMs: i64): bool {
  if (IS_NO_COORDINATION) return true;
  const v = sharedGet(key);
  const next = (now + periodMs).toString();
  if (v.result != RESULT_OK) {
    // Lease missing (initLease did not run in this namespace): create it; small race accepted.
    return sharedSet(key, next, 0) == RESULT_OK;
  }
  const due = I64.parseInt(sharedGetString(v));
  // Slack of a tenth of a period: the winner's own next tick may land a millisecond before the due
  // time (ms truncation, timer jitter); without slack it would skip a whole period.
  if (now + periodMs / 10 < due) return false;
  return sharedSet(key, next, v.cas) == RESULT_OK;
}
