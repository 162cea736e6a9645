import type { Channel } from '../../../shared/domain';
import { CHANNEL_LABELS } from '../ui/labels';

/** A small channel mark with the channel's name for assistive technology. */
export function ChannelIcon({ channel }: { channel: Channel }) {
  return (
    <span
      className={`channel-icon channel-icon--${channel}`}
      role="img"
      aria-label={CHANNEL_LABELS[channel]}
      title={CHANNEL_LABELS[channel]}
    >
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        {channel === 'whatsapp' ? (
          <path
            fill="currentColor"
            d="M8 1.5a6.5 6.5 0 0 0-5.6 9.8L1.5 14.5l3.3-.9A6.5 6.5 0 1 0 8 1.5Zm3.3 9.1c-.1.4-.8.8-1.2.8-.3 0-.7.1-2.2-.5-1.9-.8-3-2.7-3.1-2.8-.1-.1-.8-1-.8-1.9 0-.9.5-1.4.7-1.6.2-.2.4-.2.5-.2h.4c.1 0 .3 0 .4.3l.6 1.4c0 .1.1.2 0 .4l-.2.3-.3.3c-.1.1-.2.2-.1.4.1.2.6 1 1.3 1.6.9.8 1.6 1 1.8 1.1.2.1.3.1.4-.1l.6-.7c.1-.2.3-.2.4-.1l1.3.6c.2.1.3.2.4.2 0 .1 0 .5-.1.8Z"
          />
        ) : channel === 'instagram' ? (
          <path
            fill="currentColor"
            d="M5 1.5h6A3.5 3.5 0 0 1 14.5 5v6a3.5 3.5 0 0 1-3.5 3.5H5A3.5 3.5 0 0 1 1.5 11V5A3.5 3.5 0 0 1 5 1.5Zm0 1.3A2.2 2.2 0 0 0 2.8 5v6c0 1.2 1 2.2 2.2 2.2h6c1.2 0 2.2-1 2.2-2.2V5c0-1.2-1-2.2-2.2-2.2H5Zm3 2.4a2.8 2.8 0 1 1 0 5.6 2.8 2.8 0 0 1 0-5.6Zm0 1.3a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Zm3.1-2.3a.7.7 0 1 1 0 1.4.7.7 0 0 1 0-1.4Z"
          />
        ) : (
          <path
            fill="currentColor"
            d="M8 1.3C4.3 1.3 1.4 4 1.4 7.6c0 1.9.8 3.5 2.1 4.7v2.4l2.2-1.2c.7.2 1.5.3 2.3.3 3.7 0 6.6-2.7 6.6-6.2S11.7 1.3 8 1.3Zm.7 8.4L7 7.9 3.7 9.7l3.6-3.8L9 7.7l3.3-1.8-3.6 3.8Z"
          />
        )}
      </svg>
    </span>
  );
}
