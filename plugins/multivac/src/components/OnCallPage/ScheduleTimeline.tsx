import { Tooltip, Typography, makeStyles } from '@material-ui/core';
import { OnCallShiftInfo } from '@multivac/plugin-multivac-common';
import {
  TimelineSegment,
  formatWhen,
  layoutTimeline,
  personColor,
  timelineDays,
} from './timeline';

/** Segments narrower than this (percent of the window) go unlabelled. */
const MIN_LABEL_WIDTH = 6;
/** Day labels narrower than this (a partial first or last day) are left out. */
const MIN_DAY_LABEL_WIDTH = 4;

const useStyles = makeStyles(theme => ({
  track: {
    position: 'relative',
    height: 32,
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${theme.palette.divider}`,
    overflow: 'hidden',
  },
  bar: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    left: 0,
    right: 0,
    margin: 0,
    padding: 0,
    listStyle: 'none',
  },
  segment: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    boxSizing: 'border-box',
  },
  shift: {
    display: 'flex',
    alignItems: 'center',
    padding: theme.spacing(0, 0.75),
    borderRight: `1px solid ${theme.palette.background.paper}`,
    color: theme.palette.common.white,
    overflow: 'hidden',
  },
  gap: {
    background: `repeating-linear-gradient(135deg, transparent, transparent 6px, ${theme.palette.action.disabledBackground} 6px, ${theme.palette.action.disabledBackground} 12px)`,
  },
  label: {
    fontSize: theme.typography.caption.fontSize,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  midnight: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    width: 1,
    backgroundColor: theme.palette.divider,
    pointerEvents: 'none',
  },
  days: {
    position: 'relative',
    height: 20,
  },
  day: {
    position: 'absolute',
    top: 0,
    boxSizing: 'border-box',
    textAlign: 'center',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    color: theme.palette.text.secondary,
  },
  dayStart: {
    borderLeft: `1px solid ${theme.palette.divider}`,
  },
}));

function describe(segment: TimelineSegment): string {
  if (segment.kind === 'gap') {
    return `Nobody on call: ${formatWhen(segment.start)} – ${formatWhen(
      segment.end,
    )}`;
  }
  const { person, start, end } = segment.shift;
  return `${person.name}: ${formatWhen(start)} – ${formatWhen(end)}`;
}

export interface ScheduleTimelineProps {
  /** The schedule's name, for the timeline's accessible name. */
  name: string;
  shifts: OnCallShiftInfo[];
  /** The window shown, in epoch milliseconds: [from, to). */
  from: number;
  to: number;
}

/**
 * A horizontal bar over [from, to): one coloured segment per shift, striped
 * gaps where nobody is on call, and the viewer's local days underneath.
 */
export const ScheduleTimeline = ({
  name,
  shifts,
  from,
  to,
}: ScheduleTimelineProps) => {
  const classes = useStyles();
  const segments = layoutTimeline(shifts, from, to);
  const days = timelineDays(from, to);

  return (
    <div>
      <div className={classes.track}>
        <ul className={classes.bar} aria-label={`${name} timeline`}>
          {segments.map(segment => {
            const text = describe(segment);
            const position = {
              left: `${segment.left}%`,
              width: `${segment.width}%`,
            };
            return (
              <Tooltip key={`${segment.kind}-${segment.start}`} title={text}>
                {segment.kind === 'shift' ? (
                  <li
                    aria-label={text}
                    data-testid="oncall-shift"
                    className={`${classes.segment} ${classes.shift}`}
                    style={{
                      ...position,
                      backgroundColor: personColor(segment.shift.person),
                    }}
                  >
                    {segment.width >= MIN_LABEL_WIDTH && (
                      <span className={classes.label}>
                        {segment.shift.person.name}
                      </span>
                    )}
                  </li>
                ) : (
                  <li
                    aria-label={text}
                    data-testid="oncall-gap"
                    className={`${classes.segment} ${classes.gap}`}
                    style={position}
                  />
                )}
              </Tooltip>
            );
          })}
        </ul>
        {days
          .filter(day => day.startsInWindow && day.left > 0)
          .map(day => (
            <div
              key={day.start}
              aria-hidden
              className={classes.midnight}
              style={{ left: `${day.left}%` }}
            />
          ))}
      </div>
      <div className={classes.days} aria-hidden>
        {days.map(day => (
          <Typography
            key={day.start}
            variant="caption"
            component="div"
            className={`${classes.day} ${
              day.startsInWindow ? classes.dayStart : ''
            }`}
            style={{ left: `${day.left}%`, width: `${day.width}%` }}
          >
            {day.width >= MIN_DAY_LABEL_WIDTH ? day.label : ''}
          </Typography>
        ))}
      </div>
    </div>
  );
};
