#!/usr/bin/env bash
# Puts a texstim set into a minimal BIDS dataset (stimuli/ plus one subject's events that name a
# stimulus by stimulus_id) and runs the BIDS validator on it. Not part of the test command.
#
#   bash scripts/bids_check.sh SET_FOLDER
#
# Installs bids-validator-deno==3.0.2 (PyPI; it brings the deno runtime) into scripts/.bids-venv
# on first use, and python3-venv via apt-get (as root) when missing. Exit status: the validator's
# (0: no errors). The released BIDS schema does not check stimuli.tsv yet (BEP044 is a draft),
# so this shows that a set does not break a dataset; texstim's own tests check the proposal's columns.
set -euo pipefail
set_folder="${1:?usage: bash scripts/bids_check.sh SET_FOLDER}"
[ -f "$set_folder/stimuli.tsv" ] || { echo "$set_folder: no stimuli.tsv (not a texstim set, or made before 2026-11-30)" >&2; exit 2; }
set_folder=$(cd "$set_folder" && pwd)
cd "$(dirname "$0")/.."
venv=scripts/.bids-venv
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "python3-venv is missing: run this as root or apt-get install python3-venv" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x "$venv/bin/bids-validator-deno" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "bids-validator-deno==3.0.2"
fi
dataset=$(mktemp -d)/dataset
trap 'rm -rf "$(dirname "$dataset")"' EXIT
mkdir -p "$dataset/stimuli" "$dataset/sub-01/beh"
cp -r "$set_folder"/. "$dataset/stimuli/"
printf '{"Name": "texstim set %s", "BIDSVersion": "1.10.0", "DatasetType": "raw", "Authors": ["texstim"]}\n' \
    "$(basename "$set_folder")" > "$dataset/dataset_description.json"
printf 'participant_id\nsub-01\n' > "$dataset/participants.tsv"
printf 'A texstim stimulus set under stimuli/, with one placeholder subject.\n' > "$dataset/README"
# The first stimulus of the catalogue, named in a trial by stimulus_id (and by its path, as older datasets do).
first=$(awk -F'\t' 'NR == 2 {print $1 "\t" $4}' "$dataset/stimuli/stimuli.tsv")
printf 'onset\tduration\tstim_id\tstim_file\n0.0\t1.0\t%s\n' "$first" > "$dataset/sub-01/beh/sub-01_task-textures_beh.tsv"
"$venv/bin/bids-validator-deno" --version
"$venv/bin/bids-validator-deno" "$dataset"
