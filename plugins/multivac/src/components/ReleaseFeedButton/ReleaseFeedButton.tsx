import { useApi } from '@backstage/core-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  IconButton,
  TextField,
  Tooltip,
  Typography,
} from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import FileCopyIcon from '@material-ui/icons/FileCopy';
import { useState } from 'react';
import { multivacApiRef, ReleaseFeedToken } from '../../api/MultivacApi';

/** The feed URL for only these entities (a team or System includes what it owns or contains). */
function scopedUrl(url: string, entityRefs: string[]): string {
  return entityRefs.reduce(
    (scoped, ref) => `${scoped}&entityRef=${encodeURIComponent(ref)}`,
    url,
  );
}

const FeedUrl = ({ label, url }: { label: string; url: string }) => {
  const [copied, setCopied] = useState(false);
  return (
    <TextField
      label={label}
      value={url}
      fullWidth
      variant="outlined"
      margin="dense"
      InputProps={{
        readOnly: true,
        endAdornment: (
          <Tooltip title={copied ? 'Copied' : 'Copy'}>
            <IconButton
              aria-label={`Copy ${label}`}
              onClick={() =>
                navigator.clipboard.writeText(url).then(() => setCopied(true))
              }
            >
              <FileCopyIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        ),
      }}
    />
  );
};

/**
 * "Subscribe": a personal iCalendar feed URL for Google Calendar or Outlook,
 * for everything or for the entities filtered on.
 */
export const ReleaseFeedButton = ({ entityRefs }: { entityRefs: string[] }) => {
  const api = useApi(multivacApiRef);
  const [open, setOpen] = useState(false);
  const [feed, setFeed] = useState<ReleaseFeedToken>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const createFeed = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setFeed(await api.createReleaseFeedToken());
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button variant="outlined" onClick={() => setOpen(true)}>
        Subscribe
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        maxWidth="sm"
        fullWidth
      >
        <DialogTitle>Subscribe to the release calendar</DialogTitle>
        <DialogContent>
          <Typography variant="body2" paragraph>
            Add the feed URL to Google Calendar ("From URL") or Outlook ("Add
            calendar", "Subscribe from web"). The URL is personal: it shows what
            you may see. Creating a new URL revokes your previous one.
          </Typography>
          {error && (
            <Alert severity="error" role="alert">
              {error}
            </Alert>
          )}
          {feed && (
            <>
              <FeedUrl label="All releases" url={feed.url} />
              {entityRefs.length > 0 && (
                <FeedUrl
                  label={`Only ${entityRefs.join(', ')}`}
                  url={scopedUrl(feed.url, entityRefs)}
                />
              )}
            </>
          )}
        </DialogContent>
        <DialogActions>
          <Button
            color="primary"
            variant={feed ? 'outlined' : 'contained'}
            disabled={busy}
            onClick={createFeed}
          >
            {feed ? 'Create another URL' : 'Create feed URL'}
          </Button>
          <Button onClick={() => setOpen(false)}>Close</Button>
        </DialogActions>
      </Dialog>
    </>
  );
};
