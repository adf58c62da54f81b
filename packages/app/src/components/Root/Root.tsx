import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarPage,
  SidebarSpace,
} from '@backstage/core-components';
import { NotificationsSidebarItem } from '@backstage/plugin-notifications';
import { MyGroupsSidebarItem } from '@backstage/plugin-org';
import { SidebarSearchModal } from '@backstage/plugin-search';
import AccountCircleIcon from '@material-ui/icons/AccountCircle';
import AddCircleOutlineIcon from '@material-ui/icons/AddCircleOutline';
import AssignmentIcon from '@material-ui/icons/Assignment';
import BarChartIcon from '@material-ui/icons/BarChart';
import CategoryIcon from '@material-ui/icons/Category';
import DescriptionIcon from '@material-ui/icons/Description';
import EventIcon from '@material-ui/icons/Event';
import HomeIcon from '@material-ui/icons/Home';
import MenuIcon from '@material-ui/icons/Menu';
import NotificationsIcon from '@material-ui/icons/Notifications';
import GroupIcon from '@material-ui/icons/People';
import PhoneInTalkIcon from '@material-ui/icons/PhoneInTalk';
import ReportProblemIcon from '@material-ui/icons/ReportProblem';
import WhatshotIcon from '@material-ui/icons/Whatshot';
import { PropsWithChildren } from 'react';
import { SidebarLogo } from './SidebarLogo';
import { SidebarSignedInUser } from './SidebarSignedInUser';

export const Root = ({ children }: PropsWithChildren<{}>) => (
  <SidebarPage>
    <Sidebar>
      <SidebarLogo />
      <SidebarSearchModal />
      <SidebarDivider />
      <SidebarGroup label="Menu" icon={<MenuIcon />}>
        <SidebarItem icon={HomeIcon} to="home" text="Home" />
        <SidebarItem
          icon={ReportProblemIcon}
          to="multivac/report"
          text="Report problem"
        />
        <SidebarItem
          icon={WhatshotIcon}
          to="multivac/incidents"
          text="Incidents"
        />
        <SidebarItem
          icon={NotificationsIcon}
          to="multivac/alerts"
          text="Alerts"
        />
        <SidebarItem
          icon={AssignmentIcon}
          to="multivac/reports"
          text="Reports"
        />
        <SidebarItem
          icon={DescriptionIcon}
          to="multivac/postmortems"
          text="Post-mortems"
        />
        <SidebarItem icon={EventIcon} to="multivac/releases" text="Releases" />
        <SidebarItem
          icon={PhoneInTalkIcon}
          to="multivac/oncall"
          text="On call"
        />
        <SidebarItem
          icon={BarChartIcon}
          to="multivac/insights"
          text="Insights"
        />
        <SidebarItem icon={CategoryIcon} to="catalog" text="Catalog" />
        <SidebarItem icon={AddCircleOutlineIcon} to="create" text="Create..." />
        <MyGroupsSidebarItem
          singularTitle="My team"
          pluralTitle="My teams"
          icon={GroupIcon}
        />
      </SidebarGroup>
      <SidebarSpace />
      <NotificationsSidebarItem />
      <SidebarDivider />
      <SidebarGroup label="Account" icon={<AccountCircleIcon />}>
        <SidebarSignedInUser />
      </SidebarGroup>
    </Sidebar>
    {children}
  </SidebarPage>
);
