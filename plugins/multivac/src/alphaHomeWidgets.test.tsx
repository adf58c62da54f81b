import { createExtensionTester } from '@backstage/frontend-test-utils';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import multivacPlugin from './alpha';
import {
  homeActiveIncidentsWidget,
  homeMyActionItemsWidget,
  homeMyOnCallWidget,
  homeTeamReleasesWidget,
} from './alphaHomeWidgets';

describe('home page widgets for the new frontend system', () => {
  it('gives the home page the four cards as widgets', () => {
    expect(
      multivacPlugin.getExtension('home-page-widget:multivac/my-oncall'),
    ).toBeDefined();
    expect(
      multivacPlugin.getExtension('home-page-widget:multivac/active-incidents'),
    ).toBeDefined();
    expect(
      multivacPlugin.getExtension('home-page-widget:multivac/my-action-items'),
    ).toBeDefined();
    expect(
      multivacPlugin.getExtension('home-page-widget:multivac/team-releases'),
    ).toBeDefined();
    const { widget } = HomePageWidgetBlueprint.dataRefs;
    expect(createExtensionTester(homeMyOnCallWidget).get(widget).title).toBe(
      'My on-call shifts',
    );
    expect(
      createExtensionTester(homeActiveIncidentsWidget).get(widget).title,
    ).toBe('Active incidents');
    expect(
      createExtensionTester(homeMyActionItemsWidget).get(widget).title,
    ).toBe('My action items');
    expect(
      createExtensionTester(homeTeamReleasesWidget).get(widget).title,
    ).toBe('Upcoming releases of my team');
  });
});
