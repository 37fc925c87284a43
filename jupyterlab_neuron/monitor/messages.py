"""User-facing texts of the monitor (Japanese and English)."""

from __future__ import annotations

from typing import Any

from neuron_kernel_helpers.i18n import Lang, Messages

#: One text per monitor state, shown next to the state badge.
STATE_MESSAGES = Messages(
    {
        "stopped": {
            "ja": "NeuronCore モニターは停止しています。表示を開くと開始します。",
            "en": "The NeuronCore monitor is stopped; it starts when a view opens.",
        },
        "starting": {
            "ja": "neuron-monitor を起動しています。最初のレポートを待っています。",
            "en": "Starting neuron-monitor; waiting for its first report.",
        },
        "running": {
            "ja": "neuron-monitor は動作中です。",
            "en": "neuron-monitor is running.",
        },
        "restarting": {
            "ja": "neuron-monitor が停止したため、{delay} 秒後に再起動します。",
            "en": "neuron-monitor stopped; restarting it in {delay} s.",
        },
        "crash_loop": {
            "ja": "neuron-monitor が {window} 秒以内に {count} 回終了しました（クラッシュループ）。"
            "再起動の間隔を {backoff} 秒に延ばしています。エラー出力を確認してください。",
            "en": "neuron-monitor exited {count} times within {window} s (crash loop). "
            "Restarts now wait {backoff} s. Check its error output.",
        },
        "not_installed": {
            "ja": "neuron-monitor が見つかりません。AWS Neuron ツール（aws-neuronx-tools）を"
            "インストールするか、Neuron ツールを探すフォルダーを設定してください。",
            "en": "neuron-monitor was not found. Install the AWS Neuron tools "
            "(aws-neuronx-tools) or configure the folders searched for Neuron tools.",
        },
        "failed": {
            "ja": "neuron-monitor が {count} 回続けてレポートを出さずに終了したため、監視を"
            "中止しました。エラー出力を確認してから再試行してください。",
            "en": "neuron-monitor ended {count} times in a row without a report, so "
            "monitoring has stopped. Check its error output, then retry.",
        },
    }
)


def state_message(status: dict[str, Any], lang: Lang, now: float) -> str:
    """The text for a monitor status dictionary (see ``MonitorService.status``)."""
    state = status.get("state", "stopped")
    if state == "restarting":
        next_at = status.get("next_restart_at") or now
        delay = max(0, round(next_at - now))
        return STATE_MESSAGES("restarting", lang, delay=delay)
    if state == "crash_loop":
        loop = status.get("crash_loop") or {}
        return STATE_MESSAGES(
            "crash_loop",
            lang,
            count=loop.get("exits", 0),
            window=f"{loop.get('window', 0):g}",
            backoff=f"{loop.get('backoff', 0):g}",
        )
    if state == "failed":
        return STATE_MESSAGES("failed", lang, count=status.get("consecutive_failures", 0))
    return STATE_MESSAGES(state if state in STATE_MESSAGES else "stopped", lang)
