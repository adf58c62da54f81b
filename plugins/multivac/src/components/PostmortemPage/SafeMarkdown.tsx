import { MarkdownContent } from '@backstage/core-components';

/** Web, mail and in-portal links; anything else (javascript:, data:) is dropped. */
const SAFE_LINK = /^(https?:\/\/|mailto:|\/|#)/i;

/** A link target that cannot run script, or '' (the text stays, unlinked). */
function safeLinkUri(uri: string): string {
  return SAFE_LINK.test(uri) ? uri : '';
}

/**
 * Markdown people wrote, rendered without their HTML: MarkdownContent's gfm
 * dialect would render (sanitized) raw HTML, so CommonMark is used, which
 * shows HTML as the text it is.
 */
export const SafeMarkdown = ({ content }: { content: string }) => (
  <MarkdownContent
    content={content}
    dialect="common-mark"
    transformLinkUri={safeLinkUri}
  />
);
