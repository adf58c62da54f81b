import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { TextField } from '@material-ui/core';
import Autocomplete from '@material-ui/lab/Autocomplete';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { displayNameOf } from '@multivac/plugin-multivac-common';

export interface EntityRefPickerProps {
  label: string;
  /** Catalog kinds to offer, e.g. ['Component', 'System']. */
  kinds: string[];
  value: string[];
  onChange: (refs: string[]) => void;
  multiple?: boolean;
  required?: boolean;
  helperText?: string;
  /** Marks the field as wrong; `helperText` then says why. */
  error?: boolean;
  id?: string;
}

/** Picks catalog entities by name, returning their full refs. */
export const EntityRefPicker = (props: EntityRefPickerProps) => {
  const {
    label,
    kinds,
    value,
    onChange,
    multiple = false,
    required,
    helperText,
    error,
    id,
  } = props;
  const catalogApi = useApi(catalogApiRef);
  const {
    value: options = [],
    loading,
    retry,
  } = useAsyncRetry(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: kinds },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile',
      ],
    });
    return items
      .map(entity => ({
        ref: stringifyEntityRef(entity),
        label: displayNameOf(entity),
        kind: entity.kind,
      }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi, kinds.join(',')]);

  // Right after the backend starts, the catalog may not have read its
  // entities yet: an empty list is asked for again when it is opened.
  const reloadIfEmpty = () => {
    if (!loading && options.length === 0) {
      retry();
    }
  };

  const labelOf = (ref: string) => {
    const option = options.find(o => o.ref === ref);
    return option ? `${option.label} (${option.kind.toLowerCase()})` : ref;
  };

  const input = (params: object) => (
    <TextField
      {...params}
      label={label}
      required={required}
      helperText={helperText}
      error={error}
      variant="outlined"
      margin="dense"
    />
  );

  if (multiple) {
    return (
      <Autocomplete
        id={id}
        multiple
        loading={loading}
        onOpen={reloadIfEmpty}
        options={options.map(o => o.ref)}
        getOptionLabel={labelOf}
        value={value}
        onChange={(_e, refs) => onChange(refs)}
        renderInput={input}
      />
    );
  }
  return (
    <Autocomplete
      // The input text is computed only when the value changes: remount once
      // the options arrive so a pre-filled ref shows the entity's name. Only
      // then: a remount would throw away what someone types while loading.
      key={loading && value.length > 0 ? 'loading' : 'loaded'}
      id={id}
      loading={loading}
      onOpen={reloadIfEmpty}
      options={options.map(o => o.ref)}
      getOptionLabel={labelOf}
      value={value[0] ?? null}
      onChange={(_e, ref) => onChange(ref ? [ref] : [])}
      renderInput={input}
    />
  );
};
