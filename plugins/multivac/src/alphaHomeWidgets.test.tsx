import { createExtensionTester } from '@backstage/frontend-test-utils';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import multivacPlugin from './alpha';
import { homePageWidgets } from './alphaHomeWidgets';

describe('home page widgets for the new frontend system', () => {
  it('gives the home page the four cards as widgets', () => {
    for (const name of [
      'my-oncall',
      'active-incidents',
      'my-action-items',
      'team-releases',
    ]) {
      expect(
        multivacPlugin.getExtension(`home-page-widget:multivac/${name}`),
      ).toBeDefined();
    }
    const titles = homePageWidgets.map(
      widget =>
        createExtensionTester(widget).get(
          HomePageWidgetBlueprint.dataRefs.widget,
        ).title,
    );
    expect(titles).toEqual([
      'My on-call shifts',
      'Active incidents',
      'My action items',
      'Upcoming releases of my team',
    ]);
  });
});
