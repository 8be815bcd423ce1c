import { useMutation, useQueryClient } from '@tanstack/react-query';
import { featureStateApi } from '../../api/endpoints.ts';
import { keys } from '../../api/queries.ts';
import type { Feature } from '../../api/types.ts';
import { errorMessage } from '../../ui/Feedback.tsx';
import { useToast } from '../../ui/Toast.tsx';

/** Flips a feature in an environment at once in the list (optimistic), and puts it back if the API refuses. */
export function useToggleFeature(projectId: number, envId: number, envKey: string) {
  const queryClient = useQueryClient();
  const notify = useToast();
  const listKey = keys.features(projectId, envId);
  const setEnabled = (featureId: number, enabled: boolean) =>
    queryClient.setQueryData<Feature[]>(listKey, (list) =>
      list?.map((f) =>
        f.id === featureId && f.environment_feature_state
          ? { ...f, environment_feature_state: { ...f.environment_feature_state, enabled } }
          : f,
      ),
    );
  return useMutation({
    mutationFn: ({ feature, enabled }: { feature: Feature; enabled: boolean }) => {
      const state = feature.environment_feature_state;
      if (!state) throw new Error(`${feature.name} has no state in this environment.`);
      return featureStateApi.updateDefault(envKey, state.id, { enabled });
    },
    onMutate: async ({ feature, enabled }) => {
      await queryClient.cancelQueries({ queryKey: listKey });
      setEnabled(feature.id, enabled);
    },
    onSuccess: (_state, { feature, enabled }) => {
      notify(`${feature.name} turned ${enabled ? 'on' : 'off'}`);
      void queryClient.invalidateQueries({ queryKey: ['feature', projectId, feature.id] });
    },
    onError: (error, { feature, enabled }) => {
      setEnabled(feature.id, !enabled);
      notify(`Could not change ${feature.name}: ${errorMessage(error)}`, 'error');
    },
  });
}
