/*
 * What Slack's Block Kit allows, as data: the documented limits and the fields Slack knows per view,
 * block and element type. Source: https://docs.slack.dev/reference/block-kit
 */

export type Surface = 'message' | 'modal' | 'home';

/** Documented Block Kit limits (characters unless noted). */
export const BlockKitLimits = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  /*
   * Slack also caps the summed text of a message's blocks (`msg_blocks_too_long`) without documenting
   * the number; staff quote ~12,000 and 11,341 has been seen rejected, 9,597 accepted
   * (slackapi/bolt-js#2509, #2867). Stay below every observation.
   */
  messageBlocksTotalText: 9000,
  messageText: 40_000,
  viewBytes: 250_000,
} as const;

// Space-separated lists keep these tables readable at a glance.
const words = (list: string): readonly string[] => list.split(' ');

const SELECTS = 'static_select users_select conversations_select channels_select';
export const ACTIONS_ELEMENTS = words(`button ${SELECTS} overflow datepicker checkboxes radio_buttons`);
export const ACCESSORY_ELEMENTS = [...ACTIONS_ELEMENTS, 'image'];
export const INPUT_ELEMENTS = words(
  `plain_text_input email_text_input url_text_input number_input ${SELECTS} datepicker checkboxes radio_buttons`,
);

const TEXT_INPUT = 'action_id placeholder initial_value dispatch_action_config focus_on_load';
const SELECT = 'action_id placeholder confirm focus_on_load';
export const ELEMENT_FIELDS: Record<string, readonly string[]> = {
  button: words('text action_id url value style confirm accessibility_label'),
  image: words('image_url alt_text slack_file'),
  plain_text_input: words(`${TEXT_INPUT} multiline min_length max_length`),
  email_text_input: words(TEXT_INPUT),
  url_text_input: words(TEXT_INPUT),
  number_input: words(`${TEXT_INPUT} is_decimal_allowed min_value max_value`),
  static_select: words(`${SELECT} options option_groups initial_option`),
  users_select: words(`${SELECT} initial_user`),
  conversations_select: words(
    `${SELECT} initial_conversation default_to_current_conversation response_url_enabled filter`,
  ),
  channels_select: words(`${SELECT} initial_channel response_url_enabled`),
  overflow: words('action_id options confirm'),
  datepicker: words(`${SELECT} initial_date`),
  checkboxes: words('action_id options initial_options confirm focus_on_load'),
  radio_buttons: words('action_id options initial_option confirm focus_on_load'),
};

export const BLOCK_FIELDS: Record<string, readonly string[]> = {
  section: words('text fields accessory expand'),
  header: ['text'],
  divider: [],
  context: ['elements'],
  actions: ['elements'],
  image: words('image_url slack_file alt_text title'),
  input: words('label element hint optional dispatch_action'),
  rich_text: ['elements'],
};
// Input blocks only where relink collects data; Slack's newer message inputs are not needed here.
const COMMON_BLOCKS = 'section header divider context actions image rich_text';
export const SURFACE_BLOCKS: Record<Surface, readonly string[]> = {
  message: words(COMMON_BLOCKS),
  modal: words(`${COMMON_BLOCKS} input`),
  home: words(`${COMMON_BLOCKS} input`),
};

export const VIEW_FIELDS: Record<'modal' | 'home', readonly string[]> = {
  modal: [
    'title',
    'blocks',
    'close',
    'submit',
    'private_metadata',
    'callback_id',
    'clear_on_close',
    'notify_on_close',
    'external_id',
    'submit_disabled',
  ],
  home: ['blocks', 'private_metadata', 'callback_id', 'external_id'],
};
