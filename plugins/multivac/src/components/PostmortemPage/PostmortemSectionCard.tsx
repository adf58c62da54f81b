import { InfoCard } from '@backstage/core-components';
import {
  Box,
  Button,
  Chip,
  Tab,
  Tabs,
  TextField,
  Typography,
} from '@material-ui/core';
import {
  POSTMORTEM_TEXT_MAX,
  PostmortemSection,
} from '@multivac/plugin-multivac-common';
import { useEffect, useState } from 'react';
import { SafeMarkdown } from './SafeMarkdown';

export interface PostmortemSectionCardProps {
  section: PostmortemSection;
  /** Without it the section is shown, not edited. */
  canEdit: boolean;
  /**
   * Published: shown without any edit control (no editor tab, no Save),
   * whatever the permissions.
   */
  readOnly?: boolean;
  /** While a change (this section's save or another) runs. */
  disabled?: boolean;
  /** Rejects when the save failed; the text then stays in the editor. */
  onSave: (text: string) => Promise<void>;
}

type Mode = 'edit' | 'preview';

/**
 * One section people write: a Markdown editor with a preview, saved on its
 * own. Written sections open in preview, empty ones in the editor.
 */
export const PostmortemSectionCard = ({
  section,
  canEdit: mayEdit,
  readOnly = false,
  disabled,
  onSave,
}: PostmortemSectionCardProps) => {
  const canEdit = mayEdit && !readOnly;
  const [text, setText] = useState(section.text);
  const [mode, setMode] = useState<Mode>(section.text ? 'preview' : 'edit');

  // Show the stored text whenever it changes (this card's save or someone
  // else's); saves of other sections leave it, and this card's edits, alone.
  useEffect(() => setText(section.text), [section.text]);
  const shown: Mode = canEdit ? mode : 'preview';

  const changed = text !== section.text;
  const tooLong = text.length > POSTMORTEM_TEXT_MAX;
  const editorId = `multivac-section-${section.id}`;

  const save = async () => {
    try {
      await onSave(text);
      setMode('preview');
    } catch {
      // the page shows the error; the text stays to try again
    }
  };

  return (
    <InfoCard
      title={
        <>
          <span>{section.title}</span>
          {section.required && (
            <Chip
              size="small"
              variant="outlined"
              label="Required"
              style={{ marginLeft: 8, verticalAlign: 'middle' }}
            />
          )}
        </>
      }
      subheader={section.hint}
    >
      {!readOnly && (
        <Tabs
          value={shown}
          onChange={(_e, next: Mode) => setMode(next)}
          indicatorColor="primary"
          aria-label={`${section.title} editor`}
        >
          <Tab value="edit" label="Edit" disabled={!canEdit} />
          <Tab value="preview" label="Preview" />
        </Tabs>
      )}
      <Box mt={2}>
        {shown === 'edit' ? (
          <TextField
            id={editorId}
            label={`${section.title} (Markdown)`}
            placeholder={section.hint}
            value={text}
            onChange={e => setText(e.target.value)}
            error={tooLong}
            helperText={
              tooLong
                ? `Too long: ${text.length} of ${POSTMORTEM_TEXT_MAX} characters`
                : undefined
            }
            multiline
            minRows={5}
            fullWidth
            variant="outlined"
          />
        ) : (
          <Box data-testid={`${editorId}-preview`}>
            {text.trim() ? (
              <SafeMarkdown content={text} />
            ) : (
              <Typography variant="body2" color="textSecondary">
                Nothing written yet.
              </Typography>
            )}
          </Box>
        )}
      </Box>
      {!readOnly && (
        <Box mt={2} display="flex" alignItems="center" style={{ gap: 16 }}>
          <Button
            variant="contained"
            color="primary"
            disabled={!canEdit || disabled || !changed || tooLong}
            onClick={save}
            aria-label={`Save ${section.title}`}
          >
            Save
          </Button>
          {changed && (
            <Typography variant="body2" color="textSecondary">
              Unsaved changes
            </Typography>
          )}
        </Box>
      )}
    </InfoCard>
  );
};
