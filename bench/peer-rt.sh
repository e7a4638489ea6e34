#!/usr/bin/env bash
# bench/peer-rt.sh: the same corpus through Request Tracker 5, side by side with maildesk.
#
# Optional, not in CI. Debian 12 (bookworm), root (it runs apt-get). The first run installs
# Debian's request-tracker5 with SQLite and its Starlet web server (about 230 packages: minutes).
#
#   1 install request-tracker5 + rt5-db-sqlite + rt5-standalone + rt5-clients (debconf preseeded,
#     dbconfig-common creates the SQLite database); keep a pristine copy of the database
#   2 configure: outgoing mail to an mbox file (no MTA involved), the two engineers of the
#     example config as AdminCc of the General queue (so RT, like maildesk, mails the requester
#     and the engineers on a new ticket), Everyone may create tickets and reply by mail
#   3 export the bench corpus as .eml (bench/export-corpus.ts, same seed as `npm run bench`)
#   4 for concurrency 1 and 16: fresh database, start rt-server on 127.0.0.1, feed the new-ticket
#     mails through rt-mailgate, then the replies (subject tagged [rtname #id] of the ticket RT
#     made from the mail they answer: RT threads by subject tag), timing every mail
#   5 print RT's figures and the maildesk/RT ratios (maildesk figures from bench/results.json);
#     write bench/peer-rt-results.json (BENCHMARKS.md shows it on the next `npm run bench`)
#
# Usage: sudo bench/peer-rt.sh [--quick] [--install-only] [--port 8080] [--concurrency "1 16"]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/bench/out/rt
CORPUS=$ROOT/bench/out/corpus
PORT=8080
CONCURRENCY="1 16"
QUICK=""
INSTALL_ONLY=""
RTNAME=rt.bench.local
SITE_CONFIG=/etc/request-tracker5/RT_SiteConfig.d/99-maildesk-bench.pm

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=--quick ;;
    --install-only) INSTALL_ONLY=1 ;;
    --port) PORT=$2; shift ;;
    --concurrency) CONCURRENCY=$2; shift ;;
    -h|--help) sed -n 2,22p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done

log() { printf '[peer-rt %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get, /etc/request-tracker5, the RT database)"
command -v node >/dev/null || die "node is needed (corpus export, results)"

# ---------------------------------------------------------------------------------------------
# 1 install
install_rt() {
  if command -v rt-mailgate-5 >/dev/null && [ -x /usr/share/request-tracker5/libexec/rt-server ] && dpkg -s rt5-db-sqlite >/dev/null 2>&1; then
    log "request-tracker5 already installed"
    return
  fi
  command -v apt-get >/dev/null || die "apt-get not found: this script expects Debian 12"
  log "installing request-tracker5 (SQLite, Starlet); this takes minutes"
  debconf-set-selections <<EOF
request-tracker5 request-tracker5/rtname string $RTNAME
request-tracker5 request-tracker5/organization string $RTNAME
request-tracker5 request-tracker5/correspondaddress string rt@$RTNAME
request-tracker5 request-tracker5/commentaddress string rt-comment@$RTNAME
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:$PORT
request-tracker5 request-tracker5/webpath string
request-tracker5 request-tracker5/handle-siteconfig-permissions boolean true
request-tracker5 request-tracker5/install-cronjobs boolean false
request-tracker5 request-tracker5/initial-root-password password bench-root-password
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/db/dbname string rtdb
request-tracker5 request-tracker5/db/basepath string /var/lib/dbconfig-common/sqlite3/request-tracker5
EOF
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends request-tracker5 rt5-db-sqlite rt5-standalone rt5-clients sqlite3 >"$OUT/apt-install.log" 2>&1 \
    || { tail -n 40 "$OUT/apt-install.log" >&2; die "apt-get install failed (full log: $OUT/apt-install.log)"; }
  log "installed: $(dpkg-query -W -f='${Package} ${Version}' request-tracker5)"
}

rt_db_file() {
  # dbconfig-common writes the SQLite path into 51-dbconfig-common.pm as DatabaseName
  perl -e '
    use lib "/usr/share/request-tracker5/lib"; use RT; RT::LoadConfig();
    my $t = RT->Config->Get("DatabaseType"); my $n = RT->Config->Get("DatabaseName");
    die "RT database is $t, not SQLite\n" unless $t eq "SQLite";
    print $n;'
}

# ---------------------------------------------------------------------------------------------
# 2 configure
configure_rt() {
  cat >"$SITE_CONFIG" <<EOF
# written by maildesk bench/peer-rt.sh: benchmark settings, safe to delete
Set(\$rtname, '$RTNAME');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $PORT);
Set(\$WebPath, '');
Set(\$WebBaseURL, 'http://127.0.0.1:$PORT');
Set(\$CanonicalizeRedirectURLs, 0);
# outgoing mail is composed as usual and appended to an mbox file under \$VarPath: no MTA
Set(\$MailCommand, 'mbox');
Set(\$LogToSyslog, undef);
Set(\$LogToSTDERR, 'error');
Set(\$LogToFile, undef);
1;
EOF
  chmod 0644 "$SITE_CONFIG"
  DB=$(rt_db_file)
  [ -f "$DB" ] || die "RT database not found at $DB"
  if [ ! -f "$DB.pristine" ]; then
    log "granting rights and adding the engineers as AdminCc (once, then kept as $DB.pristine)"
    perl -e '
      use strict; use warnings;
      use lib "/usr/share/request-tracker5/lib"; use RT; RT::LoadConfig(); RT::Init();
      my $q = RT::Queue->new(RT->SystemUser); $q->Load("General") or die "no General queue";
      my $everyone = RT::Group->new(RT->SystemUser); $everyone->LoadSystemInternalGroup("Everyone");
      for my $right (qw(CreateTicket ReplyToTicket CommentOnTicket SeeQueue ShowTicket)) {
        my ($ok, $msg) = $everyone->PrincipalObj->GrantRight(Right => $right, Object => $q);
        warn "$right: $msg\n" unless $ok or $msg =~ /already/i;
      }
      for my $address ("engineer1\@support.example", "engineer2\@support.example") {
        my $u = RT::User->new(RT->SystemUser);
        my ($id, $msg) = $u->LoadOrCreateByEmail($address); die "$address: $msg" unless $id;
        $u->SetPrivileged(1) unless $u->Privileged;
        my ($ok, $m2) = $q->AddWatcher(Type => "AdminCc", PrincipalId => $u->PrincipalId);
        warn "$address: $m2\n" unless $ok or $m2 =~ /already/i;
      }
      print "rights granted\n";'
    cp "$DB" "$DB.pristine"
  fi
}

# ---------------------------------------------------------------------------------------------
# 3 corpus
export_corpus() {
  if [ ! -f "$CORPUS/index.tsv" ]; then
    log "exporting the bench corpus to $CORPUS"
    (cd "$ROOT" && npx tsx bench/export-corpus.ts --out "$CORPUS" $QUICK)
  fi
  [ -f "$CORPUS/index.tsv" ] || die "corpus export failed"
}

# ---------------------------------------------------------------------------------------------
# 4 run
SERVER_PID=""
start_server() {
  local db=$1
  cp "$db.pristine" "$db"
  chown www-data:www-data "$db" "$(dirname "$db")"
  rm -rf /var/cache/request-tracker5/mason_data/obj 2>/dev/null || true
  rm -f /var/lib/request-tracker5/*mbox* 2>/dev/null || true
  log "starting rt-server (Starlet) on 127.0.0.1:$PORT"
  setsid runuser -u www-data -- /usr/share/request-tracker5/libexec/rt-server --host 127.0.0.1 --port "$PORT" >"$OUT/rt-server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null || perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new("127.0.0.1:'"$PORT"'") ? 0 : 1)'; then
      # the first request compiles the Mason components: warm up with one page
      perl -MLWP::UserAgent -e 'LWP::UserAgent->new(timeout => 120)->get("http://127.0.0.1:'"$PORT"'/NoAuth/Login.html")' || true
      return
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$OUT/rt-server.log" >&2; die "rt-server exited"; }
    sleep 1
  done
  die "rt-server did not listen on $PORT"
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_server EXIT

# CPU seconds (user+system, children included) of the server's process group
server_cpu() {
  local total=0 pid
  for pid in $(pgrep -g "$SERVER_PID" 2>/dev/null || true); do
    [ -r "/proc/$pid/stat" ] || continue
    # fields after the command: utime stime cutime cstime are 14..17 of the full line
    total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "scale=3; $total / $(getconf CLK_TCK)" | bc
}

# feeds the files listed in $1 with concurrency $2; latencies (ms) to $3, failures to $3.fail
feed() {
  local list=$1 conc=$2 lat=$3
  : >"$lat"; : >"$lat.fail"
  export RT_URL="http://127.0.0.1:$PORT/" LAT="$lat"
  # shellcheck disable=SC2016
  xargs -a "$list" -d '\n' -P "$conc" -n 1 bash -c '
    s=$(date +%s%N)
    if rt-mailgate-5 --url "$RT_URL" --queue General --action correspond --timeout 300 <"$1" >/dev/null 2>>"$LAT.err"; then
      e=$(date +%s%N); echo $(( (e - s) / 1000 )) >>"$LAT"
    else
      echo "$1" >>"$LAT.fail"
    fi' _
}

# latencies, wall seconds, server CPU seconds, mails lost -> JSON figures of one phase
summarise() {
  local lat=$1 wall=$2 cpu=$3 lost=${4:-0}
  node -e '
    const fs = require("fs");
    const [file, wall, cpu, lost] = process.argv.slice(1);
    const us = fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number).sort((a, b) => a - b);
    const failed = fs.readFileSync(file + ".fail", "utf8").split("\n").filter(Boolean).length;
    const q = (p) => (us.length ? us[Math.min(us.length - 1, Math.ceil(p * us.length) - 1)] / 1000 : null);
    const n = us.length;
    const loadAverage = Number(fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
    console.log(JSON.stringify({ mails: n, failed, lost: +lost, seconds: +wall, mailsPerSecond: n / +wall, p50Ms: q(0.5), p95Ms: q(0.95), p99Ms: q(0.99), serverCpuMsPerMail: n ? (+cpu * 1000) / n : null, loadAverage }));
  ' "$lat" "$wall" "$cpu" "$lost"
}

now_s() { date +%s.%N; }

run_concurrency() {
  local conc=$1 db=$2
  start_server "$db"
  local dir="$OUT/c$conc"
  rm -rf "$dir"
  mkdir -p "$dir/replies"
  awk -F'\t' '$2 == "new" { print ENVIRON["CORPUS"] "/" $1 }' "$CORPUS/index.tsv" >"$dir/new.list"

  log "c=$conc: $(wc -l <"$dir/new.list") new-ticket mails"
  local c0 t0 t1 c1
  c0=$(server_cpu); t0=$(now_s)
  feed "$dir/new.list" "$conc" "$dir/new.lat"
  t1=$(now_s); c1=$(server_cpu)
  # rt-mailgate exits 0 even when RT answers that it could not create the ticket (SQLite busy under
  # concurrency): count the tickets to know how many mails were lost
  local made
  made=$(sqlite3 "$db" "SELECT COUNT(*) FROM Tickets;")
  summarise "$dir/new.lat" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)" "$(( $(wc -l <"$dir/new.list") - made ))" >"$dir/new.json"

  # replies: tag each with the RT ticket made from the mail it answers (not timed)
  : >"$dir/reply.list"
  while IFS=$'\t' read -r file kind msgid parent; do
    [ "$kind" = reply ] || continue
    local id
    id=$(sqlite3 "$db" "SELECT tr.ObjectId FROM Attachments a JOIN Transactions tr ON a.TransactionId = tr.id WHERE tr.ObjectType = 'RT::Ticket' AND a.MessageId IN ('$parent', '<$parent>') ORDER BY tr.id LIMIT 1;" 2>/dev/null || true)
    [ -n "$id" ] || { echo "$file" >>"$dir/untagged"; continue; }
    perl -e '
      my ($tag, $in, $out) = @ARGV; open my $i, "<:raw", $in or die; open my $o, ">:raw", $out or die;
      my $head = 1; my $done = 0;
      while (my $l = <$i>) {
        if ($head && $l =~ /^\r?\n$/) { $head = 0 }
        if ($head && !$done && $l =~ s/^Subject:[ \t]*/Subject: [$tag] /i) { $done = 1 }
        print $o $l;
      }' "$RTNAME #$id" "$CORPUS/$file" "$dir/replies/$(basename "$file")"
    echo "$dir/replies/$(basename "$file")" >>"$dir/reply.list"
  done <"$CORPUS/index.tsv"
  log "c=$conc: $(wc -l <"$dir/reply.list") replies ($( [ -f "$dir/untagged" ] && wc -l <"$dir/untagged" || echo 0) without an RT ticket to answer)"
  c0=$(server_cpu); t0=$(now_s)
  feed "$dir/reply.list" "$conc" "$dir/reply.lat"
  t1=$(now_s); c1=$(server_cpu)
  summarise "$dir/reply.lat" "$(echo "$t1 - $t0" | bc)" "$(echo "$c1 - $c0" | bc)" 0 >"$dir/reply.json"

  local tickets
  tickets=$(sqlite3 "$db" "SELECT COUNT(*) FROM Tickets;")
  echo "$tickets" >"$dir/tickets"
  stop_server
}

# ---------------------------------------------------------------------------------------------
mkdir -p "$OUT"
install_rt
configure_rt
[ -n "$INSTALL_ONLY" ] && { log "installed and configured; run again without --install-only to measure"; exit 0; }
command -v bc >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc >/dev/null; }
command -v curl >/dev/null || true
export_corpus
export CORPUS
DB=$(rt_db_file)
for conc in $CONCURRENCY; do run_concurrency "$conc" "$DB"; done

# ---------------------------------------------------------------------------------------------
# 5 report
node - "$OUT" "$ROOT/bench/results.json" "$ROOT/bench/peer-rt-results.json" "$CONCURRENCY" "$(dpkg-query -W -f='${Version}' request-tracker5)" <<'EOF'
const fs = require('fs');
const [out, mdFile, resultFile, concList, version] = process.argv.slice(2);
const md = fs.existsSync(mdFile) ? JSON.parse(fs.readFileSync(mdFile, 'utf8')) : null;
const rt = { date: new Date().toISOString(), version: `request-tracker5 ${version} (SQLite, Starlet, rt-mailgate)`, phases: {} };
const rows = [];
const ratio = (a, b) => (a && b ? +(a / b).toFixed(1) : null);
for (const c of concList.split(/\s+/).filter(Boolean)) {
  for (const kind of ['new', 'reply']) {
    const f = `${out}/c${c}/${kind}.json`;
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, 'utf8'));
    rt.phases[`${kind}-c${c}`] = r;
    const pick = (store) => md?.ingest?.find((x) => x.concurrency === Number(c) && x.store === store)?.[kind === 'new' ? 'newTickets' : 'replies'];
    const m = pick('dynamodb');
    const mem = pick('memory');
    rows.push({
      phase: `${kind} c=${c}`,
      rtMailsPerS: +r.mailsPerSecond.toFixed(2),
      rtP50Ms: r.p50Ms,
      rtCpuMsPerMail: r.serverCpuMsPerMail && +r.serverCpuMsPerMail.toFixed(0),
      rtFailed: r.failed,
      rtLost: r.lost ?? null,
      maildeskMailsPerS: m?.mailsPerSecond ?? null,
      maildeskP50Ms: m?.p50Ms ?? null,
      throughputRatio: ratio(m?.mailsPerSecond, r.mailsPerSecond),
      latencyRatio: ratio(r.p50Ms, m?.p50Ms),
      inMemoryRatio: ratio(mem?.mailsPerSecond, r.mailsPerSecond),
    });
  }
  const t = `${out}/c${c}/tickets`;
  if (fs.existsSync(t)) rt.phases[`tickets-c${c}`] = Number(fs.readFileSync(t, 'utf8'));
}
rt.comparison = rows;
rt.target = 'maildesk >= 20x RT throughput at the same concurrency';
rt.targetMet = rows.filter((r) => r.phase.startsWith('new')).every((r) => r.throughputRatio !== null && r.throughputRatio >= 20);
fs.writeFileSync(resultFile, JSON.stringify(rt, null, 2) + '\n');
console.table(rows);
console.log(`throughput ratio = maildesk mails/s / RT mails/s (maildesk: bench/results.json of ${md?.date ?? 'no run'}); latency ratio = RT p50 / maildesk p50;`);
console.log(`inMemoryRatio = maildesk over the in-memory store (our code alone) / RT. Target >= 20x: ${rt.targetMet ? 'met' : 'NOT met'}`);
console.log(`written: ${resultFile} (the next npm run bench shows it in BENCHMARKS.md)`);
EOF
