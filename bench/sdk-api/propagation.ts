/**
 * Time from an admin change to every SDK-serving process answering with it: the admin API's 200 for a feature state
 * PATCH, then `GET /api/v1/flags/?feature=` on each process, polled every 5 ms, until all serve the new value.
 * Samples are taken one after another, so each is one change through the whole pipeline (rebuild task, stored
 * document, NOTIFY, reload in every process), not a batch coalesced into one rebuild.
 */
export interface PropagationResult {
  samples: number;
  p50: number;
  p90: number;
  max: number;
}

export async function measurePropagation(options: {
  call: (
    method: string,
    path: string,
    body?: string,
  ) => Promise<{ results?: unknown[] } & Record<string, unknown>>;
  projectId: number;
  environmentKey: string;
  sdkUrls: readonly string[];
  samples: number;
}): Promise<PropagationResult> {
  const { call, environmentKey, sdkUrls } = options;
  const states = await call('GET', `/api/v1/environments/${environmentKey}/featurestates/?page_size=1`);
  const state = (states.results as Array<{ id: number; feature: number }>)[0];
  if (!state) throw new Error('the environment has no feature states');
  const feature = (await call('GET', `/api/v1/projects/${options.projectId}/features/${state.feature}/`)) as {
    name: string;
  };
  const serves = async (url: string, value: string) => {
    const res = await fetch(`${url}/api/v1/flags/?feature=${encodeURIComponent(feature.name)}`, {
      headers: { 'x-environment-key': environmentKey },
    });
    return (
      res.status === 200 &&
      ((await res.json()) as { feature_state_value: unknown }).feature_state_value === value
    );
  };
  const times: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const value = `propagation-${Date.now()}-${i}`;
    await call(
      'PATCH',
      `/api/v1/environments/${environmentKey}/featurestates/${state.id}/`,
      JSON.stringify({ feature_state_value: value }),
    );
    const acknowledged = performance.now();
    const pending = new Set(sdkUrls);
    const deadline = acknowledged + 30_000;
    while (pending.size > 0) {
      if (performance.now() > deadline) throw new Error(`sample ${i}: not served everywhere within 30 s`);
      for (const url of [...pending]) if (await serves(url, value)) pending.delete(url);
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - acknowledged);
    await new Promise((r) => setTimeout(r, 200));
  }
  times.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] as number);
  return {
    samples: times.length,
    p50: at(0.5),
    p90: at(0.9),
    max: Math.round(times[times.length - 1] as number),
  };
}
