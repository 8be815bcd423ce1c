import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { featureStateApi, type StatePatch, segmentOverrideApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import type { FeatureSegment, FeatureState } from '../../api/types.ts';
import { plainValue } from './nested-value.ts';

export interface SegmentOverride {
  featureSegment: FeatureSegment;
  state: FeatureState | undefined;
}

/** The segment overrides of one feature in one environment, strongest (priority 0) first. */
export function useSegmentOverrides(envId: number, featureId: number) {
  const segmentsKey = keys.featureSegments(envId, featureId);
  const statesKey = keys.featureStates(envId, featureId);
  const featureSegments = useQuery({
    queryKey: segmentsKey,
    queryFn: () => segmentOverrideApi.list(envId, featureId),
  });
  const states = useQuery({
    queryKey: statesKey,
    queryFn: async () =>
      (await featureStateApi.listForFeature(envId, featureId)).map((s) => ({
        ...s,
        feature_state_value: plainValue(s.feature_state_value),
      })) as FeatureState[],
  });
  const overrides: SegmentOverride[] = [...(featureSegments.data ?? [])]
    .sort((a, b) => a.priority - b.priority)
    .map((fs) => ({ featureSegment: fs, state: states.data?.find((s) => s.feature_segment === fs.id) }));
  return { overrides, states, featureSegments, segmentsKey, statesKey };
}

export function useOverrideMutations(envKey: string, envId: number, featureId: number, projectId: number) {
  const queryClient = useQueryClient();
  const segmentsKey = keys.featureSegments(envId, featureId);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: segmentsKey }),
      queryClient.invalidateQueries({ queryKey: keys.featureStates(envId, featureId) }),
      queryClient.invalidateQueries({ queryKey: ['features', projectId] }),
      queryClient.invalidateQueries({ queryKey: ['limits'] }),
    ]);
  const create = useMutation({
    mutationFn: ({ segment, state }: { segment: number; state: StatePatch }) =>
      segmentOverrideApi.create(envKey, featureId, segment, state),
    onSuccess: refresh,
  });
  const update = useMutation({
    mutationFn: ({ stateId, patch }: { stateId: number; patch: StatePatch }) =>
      featureStateApi.update(stateId, patch),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: number) => segmentOverrideApi.remove(id),
    onSuccess: refresh,
  });
  const reorder = useMutation({
    mutationFn: (ordered: FeatureSegment[]) =>
      segmentOverrideApi.reorder(ordered.map((fs, i) => ({ id: fs.id, priority: i }))),
    // Shown in the new order at once; put back by the refetch if the API refuses.
    onMutate: async (ordered) => {
      await queryClient.cancelQueries({ queryKey: segmentsKey });
      queryClient.setQueryData<FeatureSegment[]>(
        segmentsKey,
        ordered.map((fs, i) => ({ ...fs, priority: i })),
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: segmentsKey }),
  });
  return { create, update, remove, reorder };
}
