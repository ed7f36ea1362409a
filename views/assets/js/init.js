import {
  Accordion,
  Button,
  CharacterCount,
  Checkboxes,
  createAll,
  ErrorSummary,
  ExitThisPage,
  FileUpload,
  NotificationBanner,
  PasswordInput,
  Radios as GovukRadios,
  ServiceNavigation,
  SkipLink,
  Tabs,
} from '/govuk/govuk-frontend.min.js'

/**
 * GOV.UK's radios, revealing and hiding their follow-up fields as GOV.UK's do, without the
 * aria-expanded that GOV.UK's script puts on each revealing radio: ARIA does not allow it on a
 * radio (axe's aria-allowed-attr; alphagov/govuk-frontend#979). The radio keeps aria-controls.
 */
class Radios extends GovukRadios {
  syncConditionalRevealWithInputState(input) {
    super.syncConditionalRevealWithInputState(input)
    input.removeAttribute('aria-expanded')
  }
}

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
// initAll, but with the radios above in place of GOV.UK's own.
for (const Component of [
  Accordion,
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  ExitThisPage,
  FileUpload,
  NotificationBanner,
  PasswordInput,
  Radios,
  ServiceNavigation,
  SkipLink,
  Tabs,
]) {
  createAll(Component)
}
