/**
 * Diagnoses recorded from the server's matcher (jupyterlab_neuron/diagnose)
 * for samples of jupyterlab_neuron/tests/diagnose/samples/, in both languages,
 * and the catalogue's action labels and fallback. Regenerate them when the
 * catalogue changes (see the README of the samples folder).
 */

import type { NeuronAPI, NeuronLanguage } from '../../tokens';

export interface IRecordedDiagnosis {
  /** The error text the diagnosis was made for. */
  text: string;
  ja: NeuronAPI.Diagnosis;
  en: NeuronAPI.Diagnosis;
}

export const neuroncoresUnavailable: IRecordedDiagnosis = {
  text: '\u001b[0;31m---------------------------------------------------------------------------\u001b[0m\n\u001b[0;31mRuntimeError\u001b[0m                              Traceback (most recent call last)\nCell \u001b[0;32mIn[7], line 3\u001b[0m\n\u001b[0;32m      1\u001b[0m device_ids = [\u001b[0;36m0\u001b[0m, \u001b[0;36m1\u001b[0m]\n\u001b[0;32m----> 3\u001b[0m model_parallel = torch_neuronx.DataParallel(torch.jit.load(\u001b[0;36m"bert_neuron.pt"\u001b[0m), device_ids)\n\nFile \u001b[0;36m/opt/aws_neuronx_venv_pytorch/lib/python3.10/site-packages/torch_neuronx/xla_impl/data_parallel.py:196\u001b[0m, in \u001b[0;32mDataParallel.__init__\u001b[0m\u001b[0;31m(self, module, device_ids, dim, set_dynamic_batching)\u001b[0m\n\u001b[0;32m--> 196\u001b[0m     self.loaded_modules = self._load_modules(self.module)\n\nFile \u001b[0;36m/opt/aws_neuronx_venv_pytorch/lib/python3.10/site-packages/torch_neuronx/experimental/placement.py:134\u001b[0m, in \u001b[0;32mset_neuron_cores\u001b[0m\u001b[0;31m(trace, start_nc, nc_count)\u001b[0m\n\u001b[0;32m--> 134\u001b[0m     _validate_nc_count(nc_count)\n\n\u001b[0;31mRuntimeError\u001b[0m: Neuron runtime cannot be initialized; cannot determine the number of available NeuronCores\n',
  ja: {
    match: {
      id: 'neuroncores-unavailable',
      title: 'NeuronCore を確保できません',
      explanation:
        'Neuron ランタイムが NeuronCore を確保できず、初期化に失敗しました。必要な数の NeuronCore が空いていないため、このプロセスではモデルを実行できません。',
      cause:
        'NeuronCore はプロセス単位で確保され、2 つのプロセスで共有できません。以前に実行したノートブックのカーネル、中断した学習スクリプトの残ったプロセス、または neuron-top が NeuronCore を確保したままになっていることがよくあります。ノートブックのカーネルは、セルの実行が終わっても、カーネルを止めるまで NeuronCore を解放しません。',
      steps: [
        '「NeuronCore を使用中のプロセスを表示」で、どのプロセス・どのノートブックが NeuronCore を使っているかを確認します。',
        '不要になったノートブックのカーネルをシャットダウンします（再起動でも解放されます）。ターミナルで動いている学習スクリプトや neuron-top も終了します。',
        'NeuronCore が解放されたことを確認してから、このセルを再実行します。',
        '複数のノートブックで同時に使う場合は、それぞれのカーネルで `NEURON_RT_VISIBLE_CORES` を設定して、別々の NeuronCore を割り当てます。',
        'それでも解放されない場合は、最後の手段として、Neuron を使うプロセスをすべて止めてから `sudo rmmod neuron; sudo modprobe neuron` でドライバを再読み込みします。'
      ],
      actions: ['show-core-holders', 'shut-down-kernel'],
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/frameworks/torch/torch-neuronx/training-troubleshooting.html#neuroncore-s-not-available-requested-1-available-0',
        title:
          'AWS Neuron ドキュメント: NeuronCore(s) not available（学習のトラブルシューティング）'
      },
      excerpt:
        'RuntimeError: Neuron runtime cannot be initialized; cannot determine the number of available NeuronCores'
    },
    details: {}
  },
  en: {
    match: {
      id: 'neuroncores-unavailable',
      title: 'NeuronCores are not available',
      explanation:
        'The Neuron runtime could not reserve NeuronCores and failed to initialize. The number of NeuronCores this process needs is not free, so it cannot run the model.',
      cause:
        'NeuronCores are reserved per process and cannot be shared by two processes. Often the kernel of a notebook you ran earlier, leftover processes of an interrupted training script, or neuron-top still holds them. A notebook kernel keeps its NeuronCores after its cells finish, until the kernel is stopped.',
      steps: [
        'Use "Show what holds the NeuronCores" to see which processes and notebooks use them.',
        'Shut down the notebook kernels you no longer need (a restart releases the cores too). Also stop training scripts running in a terminal and neuron-top.',
        'Once the NeuronCores are free, run this cell again.',
        'To use Neuron from several notebooks at once, give each kernel its own NeuronCores with `NEURON_RT_VISIBLE_CORES`.',
        'If they are still not released, as a last resort stop every process that uses Neuron and reload the driver with `sudo rmmod neuron; sudo modprobe neuron`.'
      ],
      actions: ['show-core-holders', 'shut-down-kernel'],
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/frameworks/torch/torch-neuronx/training-troubleshooting.html#neuroncore-s-not-available-requested-1-available-0',
        title:
          'AWS Neuron documentation: NeuronCore(s) not available (training troubleshooting)'
      },
      excerpt:
        'RuntimeError: Neuron runtime cannot be initialized; cannot determine the number of available NeuronCores'
    },
    details: {}
  }
};

export const failedNeffCached: IRecordedDiagnosis = {
  text: "2024-02-19 07:03:55.000118:  27014  INFO ||NEURON_CACHE||: Compile cache path: /var/tmp/neuron-compile-cache\n2024-02-19 07:03:55.000121:  27014  INFO ||NEURON_CC_WRAPPER||: Got a cached failed neff at /var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9/model.neff. Will skip compilation, please set --retry_failed_compilation for recompilation.\n\u001b[0;31m---------------------------------------------------------------------------\u001b[0m\n\u001b[0;31mRuntimeError\u001b[0m                              Traceback (most recent call last)\nCell \u001b[0;32mIn[12], line 4\u001b[0m\n\u001b[0;32m      2\u001b[0m loss\u001b[0;31m.\u001b[0mbackward()\n\u001b[0;32m      3\u001b[0m optimizer\u001b[0;31m.\u001b[0mstep()\n\u001b[0;32m----> 4\u001b[0m xm\u001b[0;31m.\u001b[0mmark_step()\n\n\u001b[0;31mRuntimeError\u001b[0m: Bad StatusOr access: INTERNAL: RunNeuronCCImpl: error condition error != 0: <class 'subprocess.CalledProcessError'>: Command '' returned non-zero exit status 70.\n",
  ja: {
    match: {
      id: 'failed-neff-cached',
      title: 'コンパイルキャッシュに失敗したコンパイル結果が残っています',
      explanation:
        'このグラフは以前の実行でコンパイルに失敗し、その失敗がコンパイルキャッシュに記録されています。そのため Neuron は再コンパイルせず、すぐにエラーにしています。',
      cause:
        'Neuron は、同じスクリプトを再実行したときに早く失敗できるよう、失敗したコンパイルもキャッシュします。失敗の原因がコンパイル中のホストメモリ不足や Ctrl-C・カーネルの中断といった一時的なものでも、そのエントリを削除するか再試行を指定するまで同じエラーが続きます。',
      steps: [
        '「失敗したキャッシュエントリを削除」で、対象のエントリ（MODULE_ で始まるディレクトリ）と削除されるファイルをプレビューで確認してから削除します。',
        "エントリを残したまま再試行する場合は、`os.environ['NEURON_CC_FLAGS'] = os.environ.get('NEURON_CC_FLAGS', '') + ' --retry_failed_compilation'` を実行してからセルを再実行します。",
        '同じエラーが再び出る場合は、エントリ内の model.log でコンパイラのエラーを確認します。ホストメモリ不足が原因なら、同時に実行しているプロセスや事前コンパイルの並列数を減らします。'
      ],
      actions: ['delete-failed-cache-entry'],
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-features/neuron-caching.html',
        title: 'AWS Neuron ドキュメント: Neuron Persistent Cache'
      },
      excerpt:
        '2024-02-19 07:03:55.000121: 27014 INFO ||NEURON_CC_WRAPPER||: Got a cached failed neff at /var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9/model.neff. Will skip compilation, please set --retry_failed_compilation for recompilation.'
    },
    details: {
      neff_path:
        '/var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9/model.neff',
      cache_entry:
        '/var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9',
      cache_module: 'MODULE_2919486226386385393+d41d8cd9',
      cache_entry_key:
        'neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9',
      cache_root: '/var/tmp/neuron-compile-cache'
    }
  },
  en: {
    match: {
      id: 'failed-neff-cached',
      title: 'A failed compilation is cached',
      explanation:
        'This graph failed to compile in an earlier run, and the failure was recorded in the compile cache. Neuron therefore skips compilation and fails at once.',
      cause:
        'Neuron caches failed compilations too, so that re-running the same script fails early. Even when the failure was temporary (the host ran out of memory while compiling, or Ctrl-C or a kernel interrupt stopped the compiler), the same error repeats until the entry is deleted or a retry is requested.',
      steps: [
        'Use "Delete the failed cache entry": preview the entry (the folder starting with MODULE_) and the files that will be removed, then delete it.',
        "To retry without deleting the entry, run `os.environ['NEURON_CC_FLAGS'] = os.environ.get('NEURON_CC_FLAGS', '') + ' --retry_failed_compilation'` and run the cell again.",
        'If the same error comes back, read the compiler error in model.log inside the entry. If the host ran out of memory, run fewer processes at the same time or fewer parallel pre-compilation jobs.'
      ],
      actions: ['delete-failed-cache-entry'],
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-features/neuron-caching.html',
        title: 'AWS Neuron documentation: Neuron Persistent Cache'
      },
      excerpt:
        '2024-02-19 07:03:55.000121: 27014 INFO ||NEURON_CC_WRAPPER||: Got a cached failed neff at /var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9/model.neff. Will skip compilation, please set --retry_failed_compilation for recompilation.'
    },
    details: {
      neff_path:
        '/var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9/model.neff',
      cache_entry:
        '/var/tmp/neuron-compile-cache/neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9',
      cache_module: 'MODULE_2919486226386385393+d41d8cd9',
      cache_entry_key:
        'neuronxcc-2.12.68.0+4480452af/MODULE_2919486226386385393+d41d8cd9',
      cache_root: '/var/tmp/neuron-compile-cache'
    }
  }
};

export const packagesMissing: IRecordedDiagnosis = {
  text: "\u001b[0;31m---------------------------------------------------------------------------\u001b[0m\n\u001b[0;31mModuleNotFoundError\u001b[0m                       Traceback (most recent call last)\nCell \u001b[0;32mIn[1], line 1\u001b[0m\n\u001b[0;32m----> 1\u001b[0m \u001b[38;5;28;01mimport\u001b[39;00m \u001b[38;5;21;01mtorch_neuronx\u001b[39;00m\n\n\u001b[0;31mModuleNotFoundError\u001b[0m: No module named 'torch_neuronx'\n",
  ja: {
    match: {
      id: 'neuron-packages-missing',
      title: 'カーネルに Neuron のパッケージがありません',
      explanation:
        'このノートブックのカーネルの Python 環境に、Neuron SDK のパッケージ（torch-neuronx、torch-xla、neuronx-cc など）またはそのコマンドが見つかりません。',
      cause:
        'Neuron のパッケージは、Deep Learning AMI の専用の仮想環境（例: aws_neuron_venv_pytorch）にインストールされています。JupyterLab を動かしている環境とカーネルの環境は別であることが多く、標準の「Python 3」カーネルではこの仮想環境を使いません。また、`!neuron_parallel_compile` のようなシェルコマンドは、カーネルの仮想環境の bin ディレクトリが PATH に含まれていないと見つかりません。',
      steps: [
        '「別のカーネルを選択」で、Neuron の仮想環境のカーネル（例: 「Python (torch-neuronx)」「Python Neuronx」）に切り替えます。',
        '一覧にない場合は、ターミナルで仮想環境を有効にしてから `python3 -m ipykernel install --user --name aws_neuron_venv_pytorch --display-name "Python Neuronx"` でカーネルを登録します。',
        "カーネルは正しいのにコマンドだけが見つからない場合は、`import os, sys; os.environ['PATH'] = os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH']` を実行します。",
        'カーネルを切り替えたら、ノートブックの最初のセルから実行し直します。'
      ],
      actions: ['choose-kernel'],
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/setup/index.html',
        title: 'AWS Neuron ドキュメント: セットアップガイド'
      },
      excerpt: "ModuleNotFoundError: No module named 'torch_neuronx'"
    },
    details: {
      module: 'torch_neuronx'
    }
  },
  en: {
    match: {
      id: 'neuron-packages-missing',
      title: 'Neuron packages are missing from the kernel',
      explanation:
        "The Python environment of this notebook's kernel does not have the Neuron SDK packages (torch-neuronx, torch-xla, neuronx-cc, ...) or their commands.",
      cause:
        'The Neuron packages are installed in a dedicated virtual environment of the Deep Learning AMI (for example aws_neuron_venv_pytorch). The environment running JupyterLab and the kernel\'s environment are often different, and the default "Python 3" kernel does not use the Neuron one. Shell commands such as `!neuron_parallel_compile` are also not found when the bin directory of the kernel\'s virtual environment is not on PATH.',
      steps: [
        'Use "Choose another kernel" and switch to the kernel of the Neuron virtual environment (for example "Python (torch-neuronx)" or "Python Neuronx").',
        'If it is not listed, activate the virtual environment in a terminal and register it with `python3 -m ipykernel install --user --name aws_neuron_venv_pytorch --display-name "Python Neuronx"`.',
        "If the kernel is right and only a command is not found, run `import os, sys; os.environ['PATH'] = os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH']`.",
        'After switching kernels, run the notebook again from its first cell.'
      ],
      actions: ['choose-kernel'],
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/setup/index.html',
        title: 'AWS Neuron documentation: setup guide'
      },
      excerpt: "ModuleNotFoundError: No module named 'torch_neuronx'"
    },
    details: {
      module: 'torch_neuronx'
    }
  }
};

export const unknown: IRecordedDiagnosis = {
  text: '---------------------------------------------------------------------------\nValueError                                Traceback (most recent call last)\nCell In[4], line 2\n      1 labels = [int(label == 2) for label in dataset["label"]]\n----> 2 int("positive")\n\nValueError: invalid literal for int() with base 10: \'positive\'\n',
  ja: {
    match: null
  },
  en: {
    match: null
  }
};

/** `GET diagnose/catalogue` without its entries. */
export const catalogues: Record<NeuronLanguage, NeuronAPI.DiagnoseCatalogue> = {
  ja: {
    version: 1,
    lang: 'ja',
    actions: {
      'show-core-holders': 'NeuronCore を使用中のプロセスを表示',
      'shut-down-kernel': 'NeuronCore を使用中のカーネルをシャットダウン',
      'restart-kernel': 'このカーネルを再起動',
      'delete-failed-cache-entry': '失敗したキャッシュエントリを削除',
      'clear-stale-locks': '残ったロックを解除',
      'show-compile-cache': 'コンパイルキャッシュを表示',
      'show-device-memory': 'デバイスメモリの使用状況を表示',
      'choose-kernel': '別のカーネルを選択'
    },
    fallback: {
      title: 'このエラーは既知の Neuron のエラーに該当しません',
      explanation:
        'エラー全文を確認し、AWS Neuron のトラブルシューティングガイドで似たメッセージを探してください。',
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/troubleshooting.html',
        title: 'AWS Neuron ドキュメント: トラブルシューティングガイド'
      }
    },
    entries: []
  },
  en: {
    version: 1,
    lang: 'en',
    actions: {
      'show-core-holders': 'Show what holds the NeuronCores',
      'shut-down-kernel': 'Shut down the kernel holding the NeuronCores',
      'restart-kernel': 'Restart this kernel',
      'delete-failed-cache-entry': 'Delete the failed cache entry',
      'clear-stale-locks': 'Clear stale locks',
      'show-compile-cache': 'Show the compile cache',
      'show-device-memory': 'Show device memory usage',
      'choose-kernel': 'Choose another kernel'
    },
    fallback: {
      title: 'This error is not one of the known Neuron errors',
      explanation:
        'Read the full error below and look for a similar message in the AWS Neuron troubleshooting guide.',
      reference: {
        url: 'https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/troubleshooting.html',
        title: 'AWS Neuron documentation: troubleshooting guide'
      }
    },
    entries: []
  }
} as Record<NeuronLanguage, NeuronAPI.DiagnoseCatalogue>;
