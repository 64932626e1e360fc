#!/usr/bin/env bash
# The floor for bench/pipeline.ts: the requests the action makes for one run with an existing
# agent (agent-id, files, logs), in the action's order, made one after another with curl
# (current wire). No parsing, no rendering: jq only reads the games for their signed URLs.
#
# Environment: BASE (emulator URL), TOKEN, CID, AID, FILES_DIR (the files to upload), LOGS (how
# many of the newest games to fetch logs for), OUT (where logs and the board go),
# POLL_SECONDS (the wait between status reads).
set -euo pipefail

AUTH="Authorization: Bearer $TOKEN"
AGENT="$BASE/api/submissions/challenge/$CID/$AID"
BOARD="$BASE/api/leaderboard/challenge/$CID?aggregate=submission"
api() { curl -sS --fail-with-body -H "$AUTH" "$@"; }
# The three small reads the action makes for its rank (src/steps/board.ts): the top and the
# caller's name, the caller's rows, then the rows around this agent's rank.
board_around() {
  local head user rank offset
  head=$(api "$BOARD&limit=5&me=true")
  user=$(jq -r '.me.row.username // empty' <<<"$head")
  rank=$(api "$BOARD&limit=1&q=$user" | jq --argjson aid "$AID" '[.matches[] | select(.submission_id == $aid) | .rank][0] // 1')
  offset=$((rank > 6 ? rank - 6 : 0))
  api -o "$1" "$BOARD&offset=$offset&limit=11"
}
# Phase times on stderr (bash's own clock: no process per reading).
started=$EPOCHREALTIME
phase() { echo "curl phase: $1 at $(((${EPOCHREALTIME/./} - ${started/./}) / 1000)) ms" >&2; }

api -o /dev/null "$BASE/api/challenges/?page=1&per_page=1" # which wire (the action detects it)
api -o /dev/null "$BASE/api/challenges/$CID"                # limits
api -o /dev/null "$AGENT/status"                            # the agent exists and is ours
board_around "$OUT/board-before.json"                        # its rank before this run
api -o /dev/null "$AGENT/deploy"                            # deploy quota
phase checks
for file in "$FILES_DIR"/*; do
  api -o /dev/null -X PUT -F "file=@$file" "$AGENT/file"
done
api -o /dev/null "$AGENT/file" # files now on the agent (stale ones would be deleted)
phase upload
api -o /dev/null -X PUT "$AGENT/deploy"
api -o /dev/null "$AGENT/deploy" # the quota after the deploy, for the report
until api "$AGENT/status" | grep -q '"is_settled":true'; do sleep "$POLL_SECONDS"; done

phase watch
games=$(api "$BASE/api/submissions/submission/$AID/games")
args=()
n=0
while IFS= read -r url; do
  n=$((n + 1))
  args+=(-o "$OUT/game-$n.log" "$url")
done < <(jq -r --argjson n "$LOGS" '.games[:$n][] | .signed_url // empty' <<<"$games")
# One curl for every log: one connection, downloads one after another (no Authorization).
if [ "$n" -gt 0 ]; then curl -sS --fail "${args[@]}"; fi

phase logs
board_around "$OUT/board.json"
phase leaderboard
